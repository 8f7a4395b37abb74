import { afterEach, describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../src/core/render/slack.ts';
import type { TeamsMessage } from '../../src/core/render/teams.ts';
import { generatedSample, sampleFromLog } from '../../src/dev/sample-sessions.ts';
import { checkSlackLimits, checkTeamsLimits } from '../fuzz/limits.ts';
import { type Harness, startHarness } from '../support/harness.ts';

// The function's memory size (lambda-context.ts says 256 MB); the notifier's own growth must stay well inside it.
const MEMORY_LIMIT_MB = 256;
const MB = 1024 * 1024;

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/**
 * Invokes while sampling memory every 5 ms; returns the result and the peak growth of the heap and of RSS over the start.
 * A sampler cannot run inside a synchronous parse, but RSS keeps the pages V8 took for it, so RSS bounds the peak.
 */
async function invokeMeasured(h: Harness, sessionId: string) {
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  const sample = () => {
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  };
  const timer = setInterval(sample, 5);
  try {
    const result = await h.invoke({ sessionId }, 50_000);
    sample();
    return { result, heapGrowthMb: (peakHeap - before.heapUsed) / MB, rssGrowthMb: (peakRss - before.rss) / MB };
  } finally {
    clearInterval(timer);
  }
}

function expectPostsWithinLimits(h: Harness): void {
  expect(h.sink.postsTo('slack')).toHaveLength(1);
  expect(h.sink.postsTo('teams')).toHaveLength(1);
  checkSlackLimits(h.sink.postsTo('slack')[0]?.json as SlackMessage);
  checkTeamsLimits(h.sink.postsTo('teams')[0]?.json as TeamsMessage);
}

describe('big and hostile logs, end to end through the real handler', () => {
  it('summarizes a 20 MB log (90,000 steps) within the memory limit and both chat limits', {
    timeout: 60_000,
  }, async () => {
    // The emulator generates the body in this same process: on a loaded machine 20 MB can take longer than the
    // harness's 2 s per attempt, so give the read the production default's room and more.
    harness = await startHarness({ NOTIFIER_HTTP_TIMEOUT_MS: '30000' });
    harness.emulator.addSession(generatedSample('20000001', 90_000, 20));

    const { result, heapGrowthMb, rssGrowthMb } = await invokeMeasured(harness, '20000001');

    expect(result).toMatchObject({ sessionId: '20000001', outcome: 'failed', delivered: ['slack', 'teams'] });
    expectPostsWithinLimits(harness);
    expect(harness.sink.postsTo('slack')[0]?.body).toContain('90000 steps');
    expect(heapGrowthMb).toBeLessThan(MEMORY_LIMIT_MB / 2);
    expect(rssGrowthMb).toBeLessThan(MEMORY_LIMIT_MB);
  });

  it('cuts a step with a 1 MB message down to fit Slack and Teams', async () => {
    harness = await startHarness();
    const message = `Backup of 'vm-1' failed: ${'disk quota exceeded <!channel> & '.repeat(32_000)}`;
    harness.emulator.addSession(
      sampleFromLog('1000001', 'Huge-Message', 2, () => [
        {
          status: 'Success',
          message: 'started',
          executionStartTime: '2024-01-01T00:00:00Z',
          executionDuration: '00:00:01',
        },
        { status: 'Error', message, executionStartTime: '2024-01-01T00:00:01Z', executionDuration: '00:01:00' },
      ]),
    );

    const { result } = await invokeMeasured(harness, '1000001');

    expect(result).toMatchObject({ outcome: 'failed' });
    expectPostsWithinLimits(harness);
    expect(harness.sink.postsTo('slack')[0]?.body).toContain('disk quota exceeded');
    expect(harness.sink.postsTo('slack')[0]?.body).not.toContain('<!channel>');
  });

  it.each([
    [
      'an extra field nested 100,000 levels deep in a step',
      `{"status":"Error","message":"x","junk":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`,
    ],
    ['a step that is an array nested 100,000 levels deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ])('alerts within the chat limits, and never crashes, for %s', async (_name, entry) => {
    harness = await startHarness();
    harness.emulator.enqueueFaults('log', [
      {
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: `{"jobSessionId":"38","log":[{"status":"Success","message":"ok"},${entry}]}`,
      },
    ]);

    const { result } = await invokeMeasured(harness, '38');

    // A summary (the junk ignored) or an "unreadable" alert are both fine; silence or a crash is not.
    expect(result).toMatchObject({ sessionId: '38', delivered: ['slack', 'teams'] });
    expect(['failed', 'succeeded', 'unreadable']).toContain((result as { outcome: string }).outcome);
    expectPostsWithinLimits(harness);
  });

  it('turns a 10 MB nesting bomb (5 million [) into the usual "invalid response" alert in bounded memory', {
    timeout: 30_000,
  }, async () => {
    harness = await startHarness();
    const bomb = `{"jobSessionId":"38","log":[${'['.repeat(5_000_000)}${']'.repeat(5_000_000)}]}`;
    harness.emulator.enqueueFaults('log', [
      { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: bomb },
    ]);

    const { result, rssGrowthMb } = await invokeMeasured(harness, '38');

    expect(result).toMatchObject({ outcome: 'unreadable', problem: { failure: 'invalid-response' } });
    expect(harness.sink.postsTo('slack')[0]?.body).toContain('nested more than 64 levels deep');
    expect(rssGrowthMb).toBeLessThan(MEMORY_LIMIT_MB / 4);
  });

  it("posts one alert with the session's own status for a log over the 64 MB cap", { timeout: 60_000 }, async () => {
    harness = await startHarness({ NOTIFIER_HTTP_TIMEOUT_MS: '30000' });
    // Whitespace is valid JSON the reader skips cheaply: the body is over the cap without costing the test a real log.
    const body = `{"jobSessionId":"77","log":[${' '.repeat(65 * MB)}]}`;
    harness.emulator.enqueueFaults('log', [
      { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body },
    ]);

    const { result } = await invokeMeasured(harness, '77');

    expect(result).toMatchObject({ sessionId: '77', outcome: 'failed', delivered: ['slack', 'teams'] });
    expect(harness.emulator.requestsTo('log')).toHaveLength(1);
    const slack = harness.sink.postsTo('slack')[0]?.body ?? '';
    expect(slack).toContain('the log is larger than 64 MB; summary from the session only');
    expect(slack).toContain('Nightly-Azure-VMs failed');
  });
});
