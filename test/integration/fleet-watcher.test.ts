import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApplianceEmulator, startApplianceEmulator } from '../../src/dev/appliance-emulator.ts';
import { startVendorEmulator } from '../../src/dev/emulators/vendor.ts';
import { createLocalWatchQueue, type LocalWatchQueue } from '../../src/dev/local-queue.ts';
import { watchSample } from '../../src/dev/watch-samples.ts';
import { type RecordedPost, startWebhookSink, type WebhookSink } from '../../src/dev/webhook-sink.ts';
import { NotifierError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { createWatcherHandler, createWatcherRuntime } from '../../src/watcher/runtime.ts';
import { createMemoryStateStores } from '../../src/watcher/state-store.ts';
import { lambdaContext } from '../support/lambda-context.ts';
import { rejection } from '../support/rejection.ts';

const USER = { username: 'fleet-watch', password: 'fleet-watch-Passw0rd-1' };
const MINUTE = 60_000;
const SCHEDULED = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };

interface FleetWatch {
  readonly appliances: ReadonlyMap<string, ApplianceEmulator>;
  readonly sink: WebhookSink;
  /** When each post arrived, with the text it carried. */
  readonly arrivals: { readonly at: number; readonly text: string }[];
  readonly queue: LocalWatchQueue | undefined;
  /** When each worker invocation for an appliance ended. */
  readonly workerEnds: Map<string, number>;
  tick(budgetMs?: number): Promise<unknown>;
  digest(): Promise<unknown>;
}

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0)) await close();
});

/** Emulated appliances named `names`, each with two finished sessions of the same IDs, watched by the real watcher. */
async function startFleetWatch(
  names: readonly string[],
  options: { queue: boolean; env?: (sink: WebhookSink) => Record<string, string> },
): Promise<FleetWatch> {
  const now = Date.now();
  const emulators = await Promise.all(
    names.map(() =>
      startApplianceEmulator({
        users: [USER],
        sessions: ['s1', 's2'].map((id, i) =>
          watchSample({
            id,
            policyName: `Policy-${id}`,
            startMs: now - (30 - i) * MINUTE,
            stopMs: now - (20 - i) * MINUTE,
          }),
        ),
      }),
    ),
  );
  const arrivals: { at: number; text: string }[] = [];
  const sink = await startWebhookSink({
    onPost: (post: RecordedPost) => arrivals.push({ at: Date.now(), text: JSON.stringify(post.json) }),
  });
  open.push(async () => {
    await Promise.all([...emulators.map((e) => e.close()), sink.close()]);
  });
  const env = {
    APPLIANCES: JSON.stringify(names.map((name, i) => ({ name, url: emulators[i]?.url, ...USER }))),
    SLACK_WEBHOOK_URL: sink.urlFor('slack'),
    NOTIFIER_HTTP_TIMEOUT_MS: '400',
    MISSED_RUN_AFTER: '0s',
    ...options.env?.(sink),
  };
  const workerEnds = new Map<string, number>();
  let handler: ReturnType<typeof createWatcherHandler> | undefined;
  const queue = options.queue
    ? createLocalWatchQueue({
        worker: (event, context: Context) =>
          handler ? handler(event, context) : Promise.reject(new Error('no handler')),
        concurrency: 8,
        budgetMs: 3_000,
        onInvoke: (task, phase) => {
          if (phase === 'end') workerEnds.set(task.appliance, Date.now());
        },
      })
    : undefined;
  const runtime = createWatcherRuntime(env, {
    logger: createLogger({ logLevel: 'SILENT' }),
    state: createMemoryStateStores(),
    slackIntervalMs: 0,
    stopBeforeEndMs: 500,
    ...(queue ? { queue } : {}),
  });
  handler = createWatcherHandler(() => runtime);
  const run = handler;
  let count = 0;
  return {
    appliances: new Map(names.map((name, i) => [name, emulators[i] as ApplianceEmulator])),
    sink,
    arrivals,
    queue,
    workerEnds,
    digest: () => run({ task: 'digest' }, lambdaContext(10_000, `digest-${++count}`)),
    async tick(budgetMs = 10_000) {
      const result = await run(SCHEDULED, lambdaContext(budgetMs, `tick-${++count}`));
      await queue?.drain();
      return result;
    },
  };
}

const sessionPosts = (f: FleetWatch) => f.arrivals.filter((a) => a.text.includes('Policy-s'));

describe('the watcher over a fleet', () => {
  describe('with a watch queue', () => {
    it('queues one task per appliance and posts every session of every appliance exactly once', async () => {
      const f = await startFleetWatch(['azure-a', 'vbr-b', 'aws-c'], { queue: true });

      const first = await f.tick();
      const second = await f.tick();

      expect(first).toEqual({ queued: 3 });
      expect(second).toEqual({ queued: 3 });
      // The same two session IDs on three appliances: six sessions, each posted once over both ticks.
      expect(sessionPosts(f)).toHaveLength(6);
      const stats = await f.queue?.drain();
      expect(stats).toEqual({ invocations: 6, deadLetters: [] });
    });

    it('lets the other appliances finish while one hangs, and dead-letters only the hung one', async () => {
      const f = await startFleetWatch(['azure-a', 'stuck', 'aws-c'], { queue: true });
      f.appliances.get('stuck')?.setFault('sessions', { kind: 'hang' });

      await f.tick();

      const stats = await f.queue?.drain();
      expect(stats?.deadLetters).toEqual([{ task: 'watch', appliance: 'stuck' }]);
      expect(sessionPosts(f)).toHaveLength(4);
      const lastGoodPost = Math.max(...sessionPosts(f).map((a) => a.at));
      expect(lastGoodPost).toBeLessThan(f.workerEnds.get('stuck') ?? 0);
      expect(f.workerEnds.get('azure-a') ?? Number.POSITIVE_INFINITY).toBeLessThan(f.workerEnds.get('stuck') ?? 0);
    });
  });

  describe('without a watch queue', () => {
    it('watches every appliance itself, and one failing appliance does not keep the others from posting', async () => {
      const f = await startFleetWatch(['azure-a', 'down'], { queue: false });
      f.appliances.get('down')?.setFault('sessions', { status: 503 });

      const error = await rejection(f.tick(), NotifierError);

      expect(error.code).toBe('WATCH_FLEET_INCOMPLETE');
      expect(error.message).toContain('down');
      expect(sessionPosts(f)).toHaveLength(2);
    });

    it('announces an unreachable appliance once per outage, after two failed runs, and resolves it when it answers', async () => {
      const f = await startFleetWatch(['azure-a', 'down'], { queue: false });
      const down = f.appliances.get('down');
      down?.setFault('sessions', { status: 503 });
      const alerts = () => f.arrivals.filter((a) => a.text.includes('Appliance down is'));

      await rejection(f.tick(), NotifierError);
      expect(alerts()).toHaveLength(0);
      await rejection(f.tick(), NotifierError);
      await rejection(f.tick(), NotifierError);
      expect(alerts().map((a) => a.text.includes('unreachable'))).toEqual([true]);
      down?.setFault('sessions', undefined);
      await f.tick();
      await f.tick();

      expect(alerts().map((a) => a.text.includes('reachable again'))).toEqual([false, true]);
      expect(sessionPosts(f)).toHaveLength(4);
    });
  });

  describe('the digest', () => {
    const digests = (f: FleetWatch, name: string) =>
      f.sink.postsTo(name).filter((p) => JSON.stringify(p.json).includes('Backup digest'));

    it('posts one digest per appliance when no routes are set', async () => {
      const f = await startFleetWatch(['azure-a', 'aws-c'], {
        queue: false,
        env: () => ({ DIGEST_CRON: 'cron(0 7 * * ? *)' }),
      });

      const report = await f.digest();

      expect(report).toEqual({
        digests: [
          { to: 'azure-a', total: 2, failed: 0 },
          { to: 'aws-c', total: 2, failed: 0 },
        ],
      });
      expect(digests(f, 'slack')).toHaveLength(2);
    });

    it('gives each route one digest of the sessions it would receive, the rest to the default route', async () => {
      const f = await startFleetWatch(['azure-a', 'azure-b', 'aws-c'], {
        queue: false,
        env: (sink) => ({
          DIGEST_CRON: 'cron(0 7 * * ? *)',
          ROUTES: JSON.stringify([
            { name: 'azure', match: { appliance: 'azure-*' }, slack: sink.urlFor('azure-team') },
          ]),
        }),
      });

      await f.digest();

      const azure = digests(f, 'azure-team');
      expect(azure).toHaveLength(1);
      expect(JSON.stringify(azure[0]?.json)).toContain('4 sessions');
      const rest = digests(f, 'slack');
      expect(rest).toHaveLength(1);
      expect(JSON.stringify(rest[0]?.json)).toContain('2 sessions');
    });
  });

  describe('with appliances of different products', () => {
    it('watches each through its own dialect and posts every session once', async () => {
      const now = Date.now();
      const [azure, vbr, aws, sink] = await Promise.all([
        startApplianceEmulator({
          users: [USER],
          sessions: [
            watchSample({ id: '77', policyName: 'Azure-VMs', startMs: now - 30 * MINUTE, stopMs: now - 20 * MINUTE }),
          ],
        }),
        startVendorEmulator({ product: 'vbr', users: [USER], samples: [] }),
        startVendorEmulator({ product: 'aws', users: [USER], samples: [] }),
        startWebhookSink(),
      ]);
      open.push(async () => {
        await Promise.all([azure.close(), vbr.close(), aws.close(), sink.close()]);
      });
      const step = [{ status: 'failed', text: 'Processing failed' }] as const;
      const spec = (id: string, name: string) =>
        ({ id, name, outcome: 'failed', startMs: now - 30 * MINUTE, endMs: now - 20 * MINUTE, steps: step }) as const;
      vbr.addSession(spec('7d0e5a01-0000-4000-8000-000000000001', 'VBR-Job'));
      aws.addSession(spec('7d0e5a02-0000-4000-8000-000000000002', 'AWS-Policy'));
      const env = {
        APPLIANCES: JSON.stringify([
          { name: 'azure-a', url: azure.url, ...USER },
          { name: 'vbr-b', product: 'vbr', url: vbr.url, ...USER },
          { name: 'aws-c', product: 'aws', version: '1.2-rev0', url: aws.url, ...USER },
        ]),
        SLACK_WEBHOOK_URL: sink.urlFor('slack'),
        MISSED_RUN_AFTER: '0s',
      };
      const runtime = createWatcherRuntime(env, {
        logger: createLogger({ logLevel: 'SILENT' }),
        state: createMemoryStateStores(),
        slackIntervalMs: 0,
        stopBeforeEndMs: 500,
      });
      const handler = createWatcherHandler(() => runtime);

      await handler(SCHEDULED, lambdaContext(10_000, 'mixed-1'));
      await handler(SCHEDULED, lambdaContext(10_000, 'mixed-2'));

      const texts = sink.postsTo('slack').map((p) => JSON.stringify(p.json));
      expect(texts).toHaveLength(3);
      for (const name of ['Azure-VMs', 'VBR-Job', 'AWS-Policy']) expect(texts.some((t) => t.includes(name))).toBe(true);
      expect(vbr.requestsTo('token')[0]?.headers['x-api-version']).toBe('1.2-rev1');
    });
  });
});
