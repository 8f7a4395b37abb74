import type { FleetMember } from '../appliance/fleet.ts';
import { listAllSessions } from '../appliance/list-sessions.ts';
import { policyTrends } from '../core/history/trend.ts';
import type { JobSession } from '../core/job-session.ts';
import { buildDigest, type Digest } from '../core/render/digest.ts';
import { chooseRoutes } from '../core/routing.ts';
import { utcSecond } from '../core/time.ts';
import { mergeDigests, outcomeOfStatus } from '../core/watch/fleet-digest.ts';
import { policyOf } from '../core/watch/missed-runs.ts';
import type { Route, RouteTable } from '../destinations/routing.ts';
import { NotifierError } from '../errors.ts';
import type { Deadline } from '../ports.ts';
import { forEachConcurrently } from './fleet.ts';
import type { WatcherRuntime } from './runtime.ts';

/** What the digest run posted: per route (or per appliance without routes), its digest. */
export interface FleetDigestReport {
  readonly digests: readonly { readonly to: string; readonly total: number; readonly failed: number }[];
}

const DAY_MS = 86_400_000;

/**
 * Posts the last 24 hours: each route gets one digest of the sessions it would receive (its appliances, policies and
 * outcomes); without routes, one digest per appliance to the global destinations. A lone appliance without routes
 * returns its digest, as before fleets.
 */
export async function runFleetDigest(runtime: WatcherRuntime, deadline: Deadline): Promise<Digest | FleetDigestReport> {
  const nowMs = (runtime.now ?? Date.now)();
  const fromMs = nowMs - DAY_MS;
  // A week back: the per-policy lines show the success rate, streak and duration trend over 7 days.
  const weekMs = nowMs - 7 * DAY_MS;
  const members = await runtime.members();
  const table = await runtime.runtime.routing.table();
  const listed = new Map<FleetMember, JobSession[]>();
  const failures: string[] = [];
  await forEachConcurrently(members, runtime.concurrency, async (member) => {
    try {
      const query = { FromUtc: utcSecond(weekMs - runtime.watch.longestRunMs), Types: runtime.watch.sessionTypes };
      listed.set(member, (await listAllSessions(member.client, query, runtime.watch.pageSize, deadline)).sessions);
    } catch (error) {
      failures.push(member.name);
      runtime.logger.error('digest: could not list sessions', { appliance: member.name, error: error as Error });
    }
  });

  const shares = sharesByRoute(listed, table);
  const digestOf = (member: FleetMember, sessions: readonly JobSession[]): Digest => ({
    ...buildDigest(sessions, fromMs, nowMs, member.sessionUrlTemplate ?? member.baseUrl),
    policies: policyTrends(sessions, weekMs, nowMs),
  });
  const posts: { to: string; digest: Digest }[] =
    table.rules.length > 0
      ? [...shares].map(([route, byMember]) => ({
          to: route.label,
          digest: mergeDigests(
            [...byMember].map(([m, s]) => ({ appliance: m.name, digest: digestOf(m, s) })),
            fromMs,
            nowMs,
          ),
        }))
      : members.filter((m) => listed.has(m)).map((m) => ({ to: m.name, digest: digestOf(m, listed.get(m) ?? []) }));
  const routeOf = (to: string) => table.routes.find((r) => r.label === to) ?? table.defaultRoute;
  await Promise.all(
    posts.map(({ to, digest }) =>
      Promise.all(runtime.postersFor(routeOf(to)).map((poster) => poster.post({ kind: 'digest', digest }, deadline))),
    ),
  );
  runtime.logger.info('digest posted', { digests: posts.length, failedAppliances: failures.length });
  if (failures.length > 0) {
    throw new NotifierError(
      'DIGEST_INCOMPLETE',
      `digest: could not list ${failures.length} appliance(s): ${failures.slice(0, 5).join(', ')}`,
      { retryable: true },
    );
  }
  const [only] = posts;
  if (members.length === 1 && table.rules.length === 0 && only !== undefined) return only.digest;
  return { digests: posts.map(({ to, digest }) => ({ to, total: digest.total, failed: digest.failedCount })) };
}

/** Each route's share: per appliance, the sessions that route would have received. */
function sharesByRoute(
  listed: ReadonlyMap<FleetMember, readonly JobSession[]>,
  table: RouteTable,
): Map<Route, Map<FleetMember, JobSession[]>> {
  const shares = new Map<Route, Map<FleetMember, JobSession[]>>();
  for (const [member, sessions] of listed) {
    for (const session of sessions) {
      const policy = policyOf(session)?.name ?? null;
      const choice = chooseRoutes(table.rules, {
        appliance: member.name,
        policy,
        outcome: outcomeOfStatus(session.status),
      });
      const routes = choice.usesDefault ? [table.defaultRoute] : choice.rules.flatMap((i) => table.routes[i] ?? []);
      for (const route of routes) {
        const byMember = shares.get(route) ?? new Map<FleetMember, JobSession[]>();
        shares.set(route, byMember);
        const own = byMember.get(member) ?? [];
        byMember.set(member, own);
        own.push(session);
      }
    }
  }
  return shares;
}
