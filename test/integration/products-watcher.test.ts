import { afterEach, describe, expect, it } from 'vitest';
import type { SampleSpec, VendorProduct } from '../../src/dev/emulators/samples.ts';
import { startVendorEmulator, type VendorEmulator } from '../../src/dev/emulators/vendor.ts';
import { startWebhookSink, type WebhookSink } from '../../src/dev/webhook-sink.ts';
import { createLogger } from '../../src/logger.ts';
import type { WatchReport } from '../../src/watcher/run.ts';
import { createWatcherHandler, createWatcherRuntime } from '../../src/watcher/runtime.ts';
import { lambdaContext } from '../support/lambda-context.ts';
import { PRODUCT_USER } from '../support/product-harness.ts';

const MINUTE = 60_000;
const SCHEDULED = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
const open: { emulator: VendorEmulator; sink: WebhookSink }[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await Promise.all([h.emulator.close(), h.sink.close()]);
});

let counter = 0;
/** A session of `product` that started `startedAgo` minutes ago and ended `endedAgo` minutes ago (null: running). */
function session(
  name: string,
  startedAgo: number,
  endedAgo: number | null,
  outcome: SampleSpec['outcome'] = 'success',
) {
  const now = Date.now();
  return {
    id: `5e55${String(++counter).padStart(4, '0')}-0000-4000-8000-000000000000`,
    name,
    outcome,
    startMs: now - startedAgo * MINUTE,
    endMs: endedAgo === null ? null : now - endedAgo * MINUTE,
    steps: [{ status: outcome === 'failed' ? 'failed' : 'ok', text: `${name} processed` }],
  } satisfies SampleSpec;
}

async function startWatch(product: VendorProduct) {
  // The server caps pages at 2 while the watcher asks for 5: paging must follow what the server actually returned.
  const emulator = await startVendorEmulator({ product, users: [PRODUCT_USER], samples: [], maxPageSize: 2 });
  const sink = await startWebhookSink();
  open.push({ emulator, sink });
  const handler = createWatcherHandler(() =>
    createWatcherRuntime(
      {
        BACKUP_PRODUCT: product,
        BACKUP_API_URL: emulator.url,
        BACKUP_API_USERNAME: PRODUCT_USER.username,
        BACKUP_API_PASSWORD: PRODUCT_USER.password,
        SLACK_WEBHOOK_URL: sink.urlFor('slack'),
        NOTIFIER_HTTP_TIMEOUT_MS: '2000',
        WATCH_PAGE_SIZE: '5',
      },
      {
        logger: createLogger({ logLevel: 'SILENT' }),
        slackIntervalMs: 1,
        stopBeforeEndMs: 500,
        missedRunCheckEveryMs: 0,
      },
    ),
  );
  let runs = 0;
  return {
    emulator,
    sink,
    run: () => handler(SCHEDULED, lambdaContext(15_000, `watch-${++runs}`)) as Promise<WatchReport>,
    // The session each Slack message is about, read from its header ("✅ A succeeded — session <id>").
    notified: () =>
      sink.postsTo('slack').map((p) => {
        const header = (p.json as { blocks?: { text?: { text?: string } }[] }).blocks?.[0]?.text?.text ?? '';
        return /session (\S+)$/.exec(header)?.[1];
      }),
  };
}

describe.each(['vbr', 'aws', 'gcp'] as const)('the watcher with BACKUP_PRODUCT=%s', (product) => {
  it('notifies each finished session exactly once across runs, paging past the server cap', async () => {
    const w = await startWatch(product);
    const finished = [session('A', 40, 30), session('B', 35, 20, 'failed'), session('C', 30, 15), session('D', 25, 12)];
    const running = session('E', 50, null);
    for (const s of [...finished, running]) w.emulator.addSession(s);

    const first = await w.run();

    expect(first.results.notified).toBe(4);
    expect(first.pages).toBeGreaterThanOrEqual(2);
    expect(new Set(w.notified())).toEqual(new Set(finished.map((s) => s.id)));

    const second = await w.run();
    expect(second.notified).toEqual([]);
    expect(w.sink.postsTo('slack')).toHaveLength(4);

    const late = session('F', 5, 1);
    w.emulator.addSession(late);
    w.emulator.addSession({ ...running, endMs: Date.now() - MINUTE });
    const third = await w.run();

    expect(new Set(third.notified.map((n) => n.sessionId))).toEqual(new Set([late.id, running.id]));
    expect(w.sink.postsTo('slack')).toHaveLength(6);
  });

  it("lists with the product's own filters, sort and paging parameters", async () => {
    const w = await startWatch(product);
    w.emulator.addSession(session('A', 20, 10));

    await w.run();

    const list = new URL(w.emulator.requestsTo('sessions')[0]?.path ?? '/', 'http://x').searchParams;
    if (product === 'vbr') {
      expect(list.get('endedAfterFilter')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Object.fromEntries(list)).toMatchObject({
        stateFilter: 'Stopped',
        orderColumn: 'EndTime',
        orderAsc: 'true',
        typeFilter: 'BackupJob',
        skip: '0',
        limit: '5',
      });
      // Filtering on end time needs no look-back for long runs: the window starts at the backfill (1h).
      expect(Date.now() - Date.parse(list.get('endedAfterFilter') ?? '')).toBeLessThan(2 * 60 * MINUTE);
    } else if (product === 'aws') {
      expect(Object.fromEntries(list)).toMatchObject({ Offset: '0', Limit: '5', Types: 'Policy', Sort: 'stopTimeAsc' });
      expect(list.get('FromUtc')).toMatch(/Z$/);
    } else {
      expect(Object.fromEntries(list)).toMatchObject({ offset: '0', limit: '5' });
      expect(JSON.parse(list.get('filter') ?? '[]')).toEqual([
        { property: 'creationTimeUtc', operator: 'greaterThanOrEqual', value: expect.stringMatching(/Z$/) },
      ]);
      expect(JSON.parse(list.get('orderby') ?? '[]')).toEqual([{ property: 'creationTimeUtc', direction: 'ASC' }]);
    }
    for (const request of w.emulator.requests) expect(request.headers['x-api-version']).toBeDefined();
  });
});
