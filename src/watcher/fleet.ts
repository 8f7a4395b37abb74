import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import type { FleetMember } from '../appliance/fleet.ts';
import { NotifierError, TriggerError } from '../errors.ts';
import type { Log } from '../logger.ts';
import type { Deadline } from '../ports.ts';
import { isApplianceFailure, noteReachable, noteUnreachable } from './health.ts';
import type { WatchQueue } from './queue.ts';
import { runWatch, type WatchDeps, type WatchReport } from './run.ts';

/** What the fleet's watch needs: each appliance's watcher dependencies, the queue, and how many to run at once. */
export interface FleetWatchDeps {
  readonly members: () => Promise<readonly FleetMember[]>;
  readonly member: (name: string | undefined) => Promise<FleetMember>;
  readonly depsFor: (member: FleetMember) => Promise<WatchDeps>;
  readonly queue: WatchQueue | undefined;
  readonly concurrency: number;
  readonly logger: Log;
}

/** What a tick over several appliances did: per appliance, its report or why it failed. */
export interface FleetReport {
  readonly appliances: Readonly<Record<string, { readonly notified: number } | { readonly error: string }>>;
}

/** The tick that queued the fleet: one watch task per appliance. */
export interface QueuedReport {
  readonly queued: number;
}

/**
 * One scheduled tick. With a watch queue: one task per appliance onto the queue (the workers do the rest). Without
 * one: every appliance here, concurrently, exactly as a worker would; a lone appliance returns its own report.
 */
export async function watchFleet(
  deps: FleetWatchDeps,
  deadline: Deadline,
): Promise<WatchReport | FleetReport | QueuedReport> {
  const members = await deps.members();
  if (deps.queue !== undefined) {
    await deps.queue.send(members.map((m) => ({ task: 'watch', appliance: m.name })));
    deps.logger.info('watch tasks queued', { appliances: members.length });
    return { queued: members.length };
  }
  const [only] = members;
  if (members.length === 1 && only !== undefined) return watchAppliance(deps, only, deadline);
  const appliances: Record<string, { notified: number } | { error: string }> = {};
  await forEachConcurrently(members, deps.concurrency, async (member) => {
    try {
      appliances[member.name] = { notified: (await watchAppliance(deps, member, deadline)).notified.length };
    } catch (error) {
      appliances[member.name] = { error: error instanceof Error ? error.message : String(error) };
    }
  });
  const failed = Object.entries(appliances).filter(([, r]) => 'error' in r);
  if (failed.length > 0) {
    throw new NotifierError(
      'WATCH_FLEET_INCOMPLETE',
      `watcher: ${failed.length} of ${members.length} appliance(s) failed (${failed
        .slice(0, 5)
        .map(([name]) => name)
        .join(', ')})`,
      { retryable: true },
    );
  }
  return { appliances };
}

/**
 * Watches one appliance (a worker's whole job): its own cursor, claims and missed-run state; an appliance that does
 * not answer is counted towards its "unreachable" alert, and its recovery resolves it.
 */
export async function watchAppliance(
  deps: FleetWatchDeps,
  member: FleetMember,
  deadline: Deadline,
): Promise<WatchReport> {
  const watch = await deps.depsFor(member);
  const now = watch.now ?? Date.now;
  const health = { appliance: member.name, state: watch.state, posters: watch.posters, logger: watch.logger };
  let report: WatchReport;
  try {
    report = await runWatch(watch, deadline);
  } catch (error) {
    if (isApplianceFailure(error)) {
      await noteUnreachable(health, error, now(), deadline).catch((e: unknown) =>
        watch.logger.error('could not record the appliance outage', { appliance: member.name, error: e as Error }),
      );
    }
    throw error;
  }
  await noteReachable(health, now(), deadline);
  return report;
}

/**
 * The body of a watch-queue message.
 * @example { "task": "watch", "appliance": "azure-prod" }
 */
const WatchTaskSchema = z.object({
  task: z.literal('watch'),
  appliance: z.string().check(z.regex(/^[a-z0-9-]{1,40}$/)),
});

/**
 * The worker: one appliance per message. A failed watch is reported in `batchItemFailures` (redelivered, then the
 * dead-letter queue); a message naming no known appliance is logged and dropped, since redelivery cannot fix it.
 */
export async function watchBatch(deps: FleetWatchDeps, event: SQSEvent, deadline: Deadline): Promise<SQSBatchResponse> {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      try {
        const task = parseTask(record.body);
        await watchAppliance(deps, await deps.member(task.appliance), deadline);
      } catch (error) {
        if (error instanceof TriggerError) {
          deps.logger.error('record dropped', { trigger: 'sqs', messageId: record.messageId, reason: error.message });
          return;
        }
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures };
}

function parseTask(body: string): z.infer<typeof WatchTaskSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new TriggerError(`the watch task is not JSON (${body.length} characters)`);
  }
  const parsed = WatchTaskSchema.safeParse(raw);
  if (!parsed.success) throw new TriggerError('the watch task must be { "task": "watch", "appliance": "<name>" }');
  return parsed.data;
}

/** Runs `work` over `items` with at most `limit` at a time; `work` must not throw. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
