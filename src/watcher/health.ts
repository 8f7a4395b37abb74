import * as z from 'zod/mini';
import { SourceApiError } from '../errors.ts';
import type { Log } from '../logger.ts';
import type { Deadline } from '../ports.ts';
import { redact } from '../redact.ts';
import type { WatchPoster } from './posters.ts';
import { MARKER_TTL_MS, type WatcherStateStore } from './state-store.ts';

const HEALTH = 'appliance-health';

/** Runs in a row that must fail before the outage is announced: one blip is covered by the next run. */
export const UNREACHABLE_AFTER_RUNS = 2;

/**
 * An appliance's outage, as stored between runs (absent while it answers).
 * @example { "sinceMs": 1764067200000, "failures": 2, "alerted": true }
 */
const HealthSchema = z.object({ sinceMs: z.number(), failures: z.number(), alerted: z.boolean() });

/** What the health check needs: the appliance's own state, its posters and a log. */
export interface HealthDeps {
  readonly appliance: string;
  readonly state: WatcherStateStore;
  readonly posters: readonly WatchPoster[];
  readonly logger: Log;
}

/** Whether a run's failure means the appliance itself did not answer (rather than a destination or the state table). */
export function isApplianceFailure(error: unknown): boolean {
  return error instanceof SourceApiError;
}

/**
 * Counts a failed run; at UNREACHABLE_AFTER_RUNS in a row posts one "appliance unreachable" alert for the outage
 * (claimed like a session, so overlapping runs post it once).
 */
export async function noteUnreachable(
  deps: HealthDeps,
  error: unknown,
  nowMs: number,
  deadline: Deadline,
): Promise<void> {
  const parsed = HealthSchema.safeParse(await deps.state.readRecord(HEALTH));
  const health = parsed.success ? parsed.data : { sinceMs: nowMs, failures: 0, alerted: false };
  const next = { ...health, failures: health.failures + 1 };
  if (!next.alerted && next.failures >= UNREACHABLE_AFTER_RUNS) {
    const reason = redact(error instanceof Error ? error.message : String(error)).slice(0, 300);
    const message = {
      kind: 'appliance-unreachable',
      appliance: deps.appliance,
      sinceMs: health.sinceMs,
      reason,
    } as const;
    next.alerted = await postOnce(deps, `unreachable#${health.sinceMs}`, nowMs, async () => {
      await Promise.all(deps.posters.map((poster) => poster.post(message, deadline)));
    });
    deps.logger.warn('appliance unreachable', { appliance: deps.appliance, failures: next.failures });
  }
  await deps.state.writeRecord(HEALTH, next);
}

/** After a successful run: resolves an announced outage (once), and forgets any outage record. */
export async function noteReachable(deps: HealthDeps, nowMs: number, deadline: Deadline): Promise<void> {
  const parsed = HealthSchema.safeParse(await deps.state.readRecord(HEALTH));
  if (!parsed.success) return;
  const { sinceMs, alerted } = parsed.data;
  if (alerted) {
    const message = { kind: 'appliance-reachable', appliance: deps.appliance, sinceMs, nowMs } as const;
    await postOnce(deps, `reachable#${sinceMs}`, nowMs, async () => {
      await Promise.all(deps.posters.map((poster) => poster.post(message, deadline)));
    });
  }
  await deps.state.writeRecord(HEALTH, null);
}

async function postOnce(deps: HealthDeps, key: string, nowMs: number, post: () => Promise<void>): Promise<boolean> {
  const claim = await deps.state.claim(key, nowMs, 120_000);
  if (claim === 'done') return true;
  if (claim === 'busy') return false;
  try {
    await post();
  } catch (error) {
    await deps.state.release(key).catch(() => undefined);
    throw error;
  }
  await deps.state.complete(key, nowMs + MARKER_TTL_MS);
  return true;
}
