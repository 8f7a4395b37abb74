import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApplianceEmulator, startApplianceEmulator } from '../../src/dev/appliance-emulator.ts';
import { type WatchSampleSpec, watchSample } from '../../src/dev/watch-samples.ts';
import { type RecordedPost, startWebhookSink, type WebhookSink } from '../../src/dev/webhook-sink.ts';
import { createLogger } from '../../src/logger.ts';
import type { WatchReport } from '../../src/watcher/run.ts';
import { createWatcherHandler, createWatcherRuntime } from '../../src/watcher/runtime.ts';
import type { WatcherStateStore } from '../../src/watcher/state-store.ts';
import { createDynamoStateStore } from '../../src/watcher/state-store.ts';
import { type LocalDynamo, startLocalDynamo } from '../support/dynamodb-local.ts';
import { lambdaContext } from '../support/lambda-context.ts';

const USER = { username: 'watcher', password: 'watcher-Passw0rd-2718' };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// The sample events a deployment (and `osls invoke local`) uses.
const SCHEDULED: unknown = JSON.parse(
  readFileSync(new URL('../../events/watcher-scheduled.json', import.meta.url), 'utf8'),
);
const DIGEST: unknown = JSON.parse(readFileSync(new URL('../../events/watcher-digest.json', import.meta.url), 'utf8'));

let dynamo: LocalDynamo;
let tableCount = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  // The watcher builds its own DynamoDB client; the SDK reads the endpoint from here, as it would in a local stack.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
  await dynamo.close();
});

interface WatchHarness {
  readonly emulator: ApplianceEmulator;
  readonly sink: WebhookSink;
  readonly table: string;
  /** When each Slack post arrived (ms). */
  readonly slackTimes: number[];
  add(...specs: WatchSampleSpec[]): void;
  run(budgetMs?: number): Promise<WatchReport>;
  digest(): Promise<unknown>;
  /** Session IDs of the session notifications Slack received, in arrival order. */
  slackSessions(): string[];
}

const open: WatchHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await Promise.all([h.emulator.close(), h.sink.close()]);
});

async function startWatch(
  env: Record<string, string> = {},
  options: {
    maxPageSize?: number;
    stopBeforeEndMs?: number;
    slackIntervalMs?: number;
    teams?: boolean;
    state?: (table: string) => WatcherStateStore;
  } = {},
): Promise<WatchHarness> {
  const emulator = await startApplianceEmulator({
    users: [USER],
    sessions: [],
    ...(options.maxPageSize === undefined ? {} : { maxPageSize: options.maxPageSize }),
  });
  const slackTimes: number[] = [];
  const sink = await startWebhookSink({
    onPost: (post: RecordedPost) => {
      if (post.name === 'slack') slackTimes.push(Date.now());
    },
  });
  const table = `watcher-state-${++tableCount}`;
  await dynamo.createTable(table);
  const handler = createWatcherHandler(() =>
    createWatcherRuntime(
      {
        BACKUP_API_URL: emulator.url,
        BACKUP_API_USERNAME: USER.username,
        BACKUP_API_PASSWORD: USER.password,
        SLACK_WEBHOOK_URL: sink.urlFor('slack'),
        NOTIFIER_HTTP_TIMEOUT_MS: '2000',
        WATCHER_STATE_TABLE: table,
        WATCH_PAGE_SIZE: '5',
        ...(options.teams ? { TEAMS_WEBHOOK_URL: sink.urlFor('teams') } : {}),
        ...env,
      },
      {
        logger: createLogger({ logLevel: 'SILENT' }),
        slackIntervalMs: options.slackIntervalMs ?? 5,
        stopBeforeEndMs: options.stopBeforeEndMs ?? 500,
        missedRunCheckEveryMs: 0,
        ...(options.state ? { state: options.state(table) } : {}),
      },
    ),
  );
  let count = 0;
  const harness: WatchHarness = {
    emulator,
    sink,
    table,
    slackTimes,
    add: (...specs) => {
      for (const spec of specs) emulator.addSession(watchSample(spec));
    },
    run: (budgetMs = 15_000) => handler(SCHEDULED, lambdaContext(budgetMs, `watch-${++count}`)) as Promise<WatchReport>,
    digest: () => handler(DIGEST, lambdaContext(15_000, `digest-${++count}`)),
    slackSessions: () =>
      sink
        .postsTo('slack')
        .map((p) => sessionOf(p))
        .filter((id) => id !== undefined),
  };
  open.push(harness);
  return harness;
}

/** The session a Slack session notification is about, read from its header ("✅ Succeeded: session w1"). */
function sessionOf(post: RecordedPost): string | undefined {
  const header = (post.json as { blocks?: { text?: { text?: string } }[] }).blocks?.[0]?.text?.text ?? '';
  return /session (\S+)$/.exec(header)?.[1];
}

function finished(
  id: string,
  minutesAgo: number,
  status = 'Success',
  policyName = 'Nightly-Azure-VMs',
): WatchSampleSpec {
  const stopMs = Date.now() - minutesAgo * MINUTE;
  return { id, policyName, startMs: stopMs - 7 * MINUTE, stopMs, status };
}

function counts(ids: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of ids) out[id] = (out[id] ?? 0) + 1;
  return out;
}

describe('scheduled watcher', () => {
  describe('when the appliance pages its list with fewer results than Limit asked for', () => {
    it('follows every page by the server’s offset and totalCount and notifies each finished session once', async () => {
      const h = await startWatch({}, { maxPageSize: 2 });
      h.add(
        ...['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7'].map((id, i) =>
          finished(id, 50 - i * 5, i === 3 ? 'Error' : 'Success'),
        ),
      );

      const report = await h.run();

      const lists = h.emulator
        .requestsTo('sessions')
        .map((r) => new URL(r.path, 'http://x').searchParams)
        .filter((q) => q.get('FromUtc') === report.fromUtc);
      expect(lists.map((q) => q.get('Offset'))).toEqual(['0', '2', '4', '6']);
      expect(lists.every((q) => q.get('Limit') === '5')).toBe(true);
      expect(lists[0]?.getAll('Types')).toEqual(['PolicyBackup', 'PolicySnapshot', 'PolicyArchive']);
      expect(lists[0]?.get('FromUtc')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(report.pages).toBe(4);
      expect(h.slackSessions().sort()).toEqual(['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7']);
      expect(report.notified.find((n) => n.sessionId === 'w4')?.outcome).toBe('failed');
    });

    it('paces posts to one Slack webhook', async () => {
      const h = await startWatch({ WATCH_CONCURRENCY: '4' }, { slackIntervalMs: 100 });
      h.add(...['p1', 'p2', 'p3', 'p4', 'p5'].map((id, i) => finished(id, 30 - i)));

      await h.run();

      const gaps = h.slackTimes.slice(1).map((t, i) => t - (h.slackTimes[i] ?? 0));
      expect(h.slackTimes).toHaveLength(5);
      // Posts start 100 ms apart; rendering and sockets add tens of ms of jitter to each arrival, not to the rate.
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50);
      expect((h.slackTimes.at(-1) ?? 0) - (h.slackTimes[0] ?? 0)).toBeGreaterThanOrEqual(350);
    });
  });

  describe('when sessions are still running', () => {
    it('skips them until they finish, then notifies once, even after the cursor moved past their start', async () => {
      const h = await startWatch({ WATCH_OVERLAP: '1m' });
      const startMs = Date.now() - 50 * MINUTE;
      h.add({ id: 'r1', policyName: 'Long-Archive', startMs, stopMs: null }, finished('f1', 20));

      const first = await h.run();
      h.add(finished('f2', 2));
      const second = await h.run();
      h.add({ id: 'r1', policyName: 'Long-Archive', startMs, stopMs: Date.now() - 1000, status: 'Warning' });
      const third = await h.run();
      const fourth = await h.run();

      expect(first.cursor.open.map((s) => s.id)).toEqual(['r1']);
      // The cursor is past r1's start by far more than the overlap: only the remembered open session keeps it listed.
      expect(second.cursor.atMs).toBeGreaterThan(startMs + 30 * MINUTE);
      expect(third.notified.map((n) => n.sessionId)).toEqual(['r1']);
      expect(fourth.notified).toEqual([]);
      expect(h.slackSessions()).toEqual(['f1', 'f2', 'r1']);
    });
  });

  describe('across runs', () => {
    it('never notifies twice: a second run posts only what finished in between', async () => {
      const h = await startWatch();
      h.add(finished('a1', 40), finished('a2', 30));

      await h.run();
      const idle = await h.run();
      h.add(finished('a3', 0.5));
      const third = await h.run();

      expect(idle.notified).toEqual([]);
      expect(third.notified.map((n) => n.sessionId)).toEqual(['a3']);
      expect(counts(h.slackSessions())).toEqual({ a1: 1, a2: 1, a3: 1 });
    });

    it('notifies a session that shows up late with a stop time just before the cursor (clock skew), once', async () => {
      const h = await startWatch();
      h.add(finished('on-time', 1));

      const first = await h.run();
      h.add(finished('late', 3));
      const second = await h.run();
      const third = await h.run();

      expect(first.cursor.idsAt).toEqual(['on-time']);
      expect(second.notified.map((n) => n.sessionId)).toEqual(['late']);
      expect(third.notified).toEqual([]);
      expect(counts(h.slackSessions())).toEqual({ 'on-time': 1, late: 1 });
    });

    it('posts each session once when two runs overlap', async () => {
      const h = await startWatch({ WATCH_CONCURRENCY: '2' });
      h.add(...['o1', 'o2', 'o3', 'o4', 'o5', 'o6'].map((id, i) => finished(id, 40 - i)));

      await Promise.allSettled([h.run(), h.run()]);
      await h.run();

      expect(counts(h.slackSessions())).toEqual({ o1: 1, o2: 1, o3: 1, o4: 1, o5: 1, o6: 1 });
    });

    it('after a destination failed mid-run, the next run posts only the session that was not delivered', async () => {
      const h = await startWatch({ WATCH_CONCURRENCY: '1' });
      h.add(...['c1', 'c2', 'c3', 'c4', 'c5'].map((id, i) => finished(id, 40 - i)));
      // The third post is refused three times (every attempt the retry policy makes): that session fails.
      h.sink.enqueue('slack', {}, {}, { status: 503 }, { status: 503 }, { status: 503 });

      await expect(h.run()).rejects.toThrow(/1 session\(s\) not notified.*session c3/);
      const retry = await h.run();

      expect(retry.notified.map((n) => n.sessionId)).toEqual(['c3']);
      expect(counts(h.slackSessions())).toEqual({ c1: 1, c2: 1, c3: 4, c4: 1, c5: 1 });
      expect(h.sink.postsTo('slack')).toHaveLength(5 + 3);
    });

    it('after a run crashed before saving its cursor, the next run posts nothing twice', async () => {
      let crash = true;
      const h = await startWatch(
        {},
        {
          state: (table) => {
            const store = createDynamoStateStore({ tableName: table });
            return {
              ...store,
              writeCursor: async (cursor) => {
                if (crash) throw new Error('Runtime.ExitError: the container died');
                return store.writeCursor(cursor);
              },
            };
          },
        },
      );
      h.add(finished('k1', 40), finished('k2', 30), finished('k3', 20));

      await expect(h.run()).rejects.toThrow(/container died/);
      crash = false;
      const next = await h.run();

      expect(next.results['already-notified']).toBe(3);
      expect(counts(h.slackSessions())).toEqual({ k1: 1, k2: 1, k3: 1 });
    });

    it('when a session cannot be marked notified after its post, keeps the claim so the next run does not post it again', async () => {
      const h = await startWatch(
        { WATCH_CONCURRENCY: '1' },
        {
          state: (table) => {
            const store = createDynamoStateStore({ tableName: table });
            return {
              ...store,
              complete: async (key, expiresAtMs) => {
                if (key === 'm2') throw new Error('ProvisionedThroughputExceededException');
                return store.complete(key, expiresAtMs);
              },
            };
          },
        },
      );
      h.add(finished('m1', 40), finished('m2', 30), finished('m3', 20));

      await expect(h.run()).rejects.toThrow(/session m2: could not be marked notified/);
      const next = await h.run();

      expect(next.results.busy).toBe(1);
      expect(next.cursor.open.map((s) => s.id)).toEqual(['m2']);
      expect(counts(h.slackSessions())).toEqual({ m1: 1, m2: 1, m3: 1 });
    });

    it('stops taking sessions before its time budget ends, leaves the cursor there, and the next run finishes', async () => {
      const h = await startWatch({ WATCH_CONCURRENCY: '1' }, { slackIntervalMs: 500, stopBeforeEndMs: 1_000 });
      const IDS = ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9', 't10'];
      h.add(...IDS.map((id, i) => finished(id, 40 - i)));

      // 1.5 s margin + 1 s kept back leave 2.5 s: far less than the 10 posts 500 ms apart need (4.5 s).
      const short = await h.run(5_000);
      const rest = await h.run();

      expect(short.results.notified).toBeGreaterThan(0);
      expect(short.results['not-started']).toBeGreaterThan(0);
      const lastNotified = short.notified.at(-1)?.sessionId;
      expect(short.cursor.idsAt).toEqual([lastNotified]);
      expect(rest.notified.map((n) => n.sessionId)).toEqual(IDS.slice(short.results.notified));
      expect(counts(h.slackSessions())).toEqual(Object.fromEntries(IDS.map((id) => [id, 1])));
    });
  });

  describe('API calls', () => {
    it('makes one token request, one list call per page and one log read per new session', async () => {
      const h = await startWatch({ MISSED_RUN_AFTER: '0h' });
      h.add(...['n1', 'n2', 'n3', 'n4', 'n5'].map((id, i) => finished(id, 30 - i)));

      await h.run();
      const first = h.emulator.requests.map((r) => r.route);
      h.emulator.reset();
      await h.run();
      const idle = h.emulator.requests.map((r) => r.route);

      expect(counts(first)).toEqual({ token: 1, sessions: 1, log: 5, objects: 5 });
      expect(idle).toEqual(['sessions']);
    });
  });

  describe('on the first run', () => {
    it('starts from now minus WATCH_BACKFILL (default 1 hour), never the whole history', async () => {
      const h = await startWatch();
      h.add(finished('old', 3 * 60), finished('older', 26 * 60), finished('recent', 30));

      const report = await h.run();

      expect(report.firstRun).toBe(true);
      expect(h.slackSessions()).toEqual(['recent']);
    });

    it('reaches further back when WATCH_BACKFILL says so, and finds a session that started before the window', async () => {
      const h = await startWatch({ WATCH_BACKFILL: '4h' });
      const longRun = {
        id: 'long',
        policyName: 'Weekly-Archive',
        startMs: Date.now() - 9 * HOUR,
        stopMs: Date.now() - HOUR,
      };
      h.add(finished('old', 3 * 60), finished('too-old', 5 * 60), longRun);

      await h.run();

      expect(h.slackSessions().sort()).toEqual(['long', 'old']);
    });
  });

  describe('missed runs', () => {
    it('alerts once per gap for a policy that stopped running, and resolves when it runs again', async () => {
      const h = await startWatch();
      h.add(
        finished('n1', 54 * 60, 'Success', 'Nightly-Azure-VMs'),
        finished('n2', 31 * 60, 'Error', 'Nightly-Azure-VMs'),
        finished('d1', 30, 'Success', 'Daily-SQL'),
      );

      const first = await h.run();
      const second = await h.run();
      h.add(finished('n3', 0.2, 'Success', 'Nightly-Azure-VMs'));
      const third = await h.run();

      const texts = h.sink.postsTo('slack').map((p) => (p.json as { text: string }).text);
      const alerts = texts.filter((t) => t.includes('has not run'));
      expect(first.missedRuns).toMatchObject({ checked: true, raised: 1 });
      expect(second.missedRuns.raised).toBe(0);
      expect(alerts).toEqual([
        expect.stringMatching(/^Nightly-Azure-VMs has not run for 31 h; last run .* \(Error, session n2\)/),
      ]);
      expect(third.missedRuns.resolved).toBe(1);
      expect(texts.filter((t) => t.includes('ran again'))).toEqual([
        expect.stringMatching(/^Nightly-Azure-VMs ran again: session n3 finished/),
      ]);
    });
  });

  describe('when the event is not a schedule', () => {
    it('rejects it before building anything (no configuration, secret or network work)', async () => {
      let built = false;
      const handler = createWatcherHandler(() => {
        built = true;
        throw new Error('must not be built');
      });

      await expect(handler({ sessionId: '77' }, lambdaContext())).rejects.toThrow(/Scheduled Event/);
      expect(built).toBe(false);
    });
  });

  describe('daily digest', () => {
    it('posts nothing when DIGEST_CRON is not set', async () => {
      const h = await startWatch();
      h.add(finished('g1', 60));

      expect(await h.digest()).toEqual({ skipped: 'DIGEST_CRON is not set' });
      expect(h.sink.posts).toEqual([]);
    });

    it('posts one message per destination summarizing the last 24 hours', async () => {
      const digestHarness = await startWatch(
        { DIGEST_CRON: 'cron(0 7 * * ? *)', SESSION_URL_TEMPLATE: 'https://backup.example.com/#/sessions/{sessionId}' },
        { teams: true },
      );
      digestHarness.add(
        finished('g1', 60, 'Success'),
        finished('g2', 120, 'Error', 'Nightly-Azure-VMs'),
        finished('g3', 180, 'Warning', 'Weekly-SQL'),
        finished('g4', 25 * 60, 'Error'),
        { id: 'g5', policyName: 'Long-Archive', startMs: Date.now() - 5 * HOUR, stopMs: Date.now() - 2 * HOUR },
      );

      await digestHarness.digest();

      const posts = digestHarness.sink.postsTo('slack');
      expect(posts).toHaveLength(1);
      const body = posts[0]?.body ?? '';
      expect(body).toContain('4 sessions in the last 24 h');
      expect(body).toContain('✅ Succeeded: 2 · ⚠️ Warnings: 1 · ❌ Failed: 1');
      expect(body).toContain('<https://backup.example.com/#/sessions/g2|Nightly-Azure-VMs — session g2>');
      expect(body).not.toContain('g4');
      expect(body).toContain('longest: 3h (Long-Archive, session g5)');
      const card = digestHarness.sink.postsTo('teams')[0]?.body ?? '';
      expect(card).toContain('[Nightly-Azure-VMs — session g2](https://backup.example.com/#/sessions/g2)');
    });
  });
});
