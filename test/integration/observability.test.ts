import { describe, expect, it } from 'vitest';
import { startApplianceEmulator } from '../../src/dev/appliance-emulator.ts';
import { watchSample } from '../../src/dev/watch-samples.ts';
import { startWebhookSink } from '../../src/dev/webhook-sink.ts';
import { createLogger } from '../../src/logger.ts';
import { createMetrics } from '../../src/metrics.ts';
import { createWatcherHandler, createWatcherRuntime } from '../../src/watcher/runtime.ts';
import { type EmfLine, emfLines, parseEmf } from '../support/emf.ts';
import { harnessPerTest, PASSWORD, USERNAME } from '../support/harness.ts';
import { lambdaContext } from '../support/lambda-context.ts';
import { rejection } from '../support/rejection.ts';

const start = harnessPerTest();

/** A harness whose metrics are on (the test config turns them off), written where the harness captures stdout. */
const measured = (env: Parameters<typeof start>[0] = {}) =>
  start(env, {}, { metrics: createMetrics({ namespace: 'Test/Notifier' }) });

/** The value of `metric` in each line that has it, with the line's dimensions. */
const values = (lines: readonly EmfLine[], metric: string) =>
  lines
    .filter((line) => metric in line)
    .map((line) => ({
      value: line[metric],
      dimensions: Object.fromEntries(
        (line._aws.CloudWatchMetrics[0]?.Dimensions[0] ?? []).map((key) => [key, line[key]]),
      ),
    }));

/** The JSON log lines among captured output. */
const logLines = (output: readonly string[]) =>
  output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{"level"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('what the notifier measures and logs', () => {
  it('counts a notification by outcome, a delivery per destination, and its latency', async () => {
    const h = await measured();

    await h.invoke({ sessionId: '77' });

    const lines = emfLines(h.output);
    expect(values(lines, 'Notifications')).toEqual([
      { value: 1, dimensions: { service: 'job-session-notifier', outcome: 'failed' } },
    ]);
    expect(
      values(lines, 'Deliveries')
        .map((v) => v.dimensions.destination)
        .sort(),
    ).toEqual(['slack', 'teams']);
    expect(Number(values(lines, 'NotificationLatency')[0]?.value)).toBeGreaterThan(0);
    expect(lines.every((line) => line._aws.CloudWatchMetrics[0]?.Namespace === 'Test/Notifier')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain('"77"');
  });

  it('counts a failed log read by kind, and a refused message as a delivery failure of its destination', async () => {
    const h = await measured();

    await h.invoke({ sessionId: '999' });
    h.sink.enqueue('teams', { status: 404, body: 'gone' });
    await rejection(h.invoke({ sessionId: '38' }));

    const lines = emfLines(h.output);
    expect(values(lines, 'ApplianceReadFailures')).toEqual([
      { value: 1, dimensions: { service: 'job-session-notifier', kind: 'not-found' } },
    ]);
    expect(values(lines, 'DeliveryFailures').map((v) => v.dimensions.destination)).toEqual(['teams']);
    expect(values(lines, 'Notifications').map((v) => v.dimensions.outcome)).toEqual(['unreadable', 'error']);
  });

  it('writes log lines with the Lambda context keys and the appliance host', async () => {
    const h = await measured();

    await h.invoke({ sessionId: '38' });

    const sent = logLines(h.output).find((line) => line.message === 'notification sent');
    expect(sent).toMatchObject({
      service: 'job-session-notifier',
      function_name: 'job-session-notifier-test',
      function_memory_size: '256',
      function_request_id: 'req-1',
      sessionId: '38',
      trigger: 'direct',
      appliance: new URL(h.emulator.url).host,
    });
    expect(typeof sent?.cold_start).toBe('boolean');
  });
});

describe('what the watcher measures', () => {
  it('counts the sessions found and notified per run, and the lag from each session’s end to its message', async () => {
    const emulator = await startApplianceEmulator({
      users: [{ username: USERNAME, password: PASSWORD }],
      sessions: [],
    });
    const sink = await startWebhookSink();
    const lines: EmfLine[] = [];
    try {
      const now = Date.now();
      emulator.addSession(
        watchSample({ id: '501', policyName: 'Nightly', startMs: now - 600_000, stopMs: now - 120_000 }),
      );
      emulator.addSession(watchSample({ id: '502', policyName: 'Daily', startMs: now - 60_000, stopMs: null }));
      const runtime = createWatcherRuntime(
        {
          BACKUP_API_URL: emulator.url,
          BACKUP_API_USERNAME: USERNAME,
          BACKUP_API_PASSWORD: PASSWORD,
          SLACK_WEBHOOK_URL: sink.urlFor('slack'),
        },
        {
          logger: createLogger({ logLevel: 'SILENT' }),
          metrics: createMetrics({ write: (line) => lines.push(parseEmf(line)) }),
          slackIntervalMs: 0,
          stopBeforeEndMs: 500,
          missedRunCheckEveryMs: 0,
        },
      );

      await createWatcherHandler(() => runtime)({ task: 'watch' }, lambdaContext());

      expect(values(lines, 'WatcherSessionsFound')[0]?.value).toBe(1);
      expect(values(lines, 'WatcherSessionsNotified')[0]?.value).toBe(1);
      const lag = Number(values(lines, 'WatcherLag')[0]?.value);
      expect(lag).toBeGreaterThanOrEqual(120_000);
      expect(lag).toBeLessThan(120_000 + 30_000);
      expect(values(lines, 'Notifications')[0]?.dimensions.outcome).toBe('succeeded');
      expect(values(lines, 'Deliveries')[0]?.dimensions.destination).toBe('slack');
    } finally {
      await Promise.all([emulator.close(), sink.close()]);
    }
  });
});
