import { listAllSessions } from '../appliance/list-sessions.ts';
import { buildDigest, type Digest } from '../core/render/digest.ts';
import { utcSecond } from '../core/time.ts';
import type { Deadline } from '../ports.ts';
import type { WatchDeps } from './run.ts';

/** Posts the digest of the last 24 hours to every destination. */
export async function runDigest(deps: WatchDeps, deadline: Deadline): Promise<Digest> {
  const nowMs = (deps.now ?? Date.now)();
  const fromMs = nowMs - 86_400_000;
  const { sessions } = await listAllSessions(
    deps.lister,
    { FromUtc: utcSecond(fromMs - deps.watch.longestRunMs), Types: deps.watch.sessionTypes },
    deps.watch.pageSize,
    deadline,
  );
  const digest = buildDigest(sessions, fromMs, nowMs, deps.watch.sessionUrl);
  await Promise.all(deps.posters.map((poster) => poster.post({ kind: 'digest', digest }, deadline)));
  deps.logger.info('digest posted', { total: digest.total, failed: digest.failedCount });
  return digest;
}
