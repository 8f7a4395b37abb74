import { describe, expect, it } from 'vitest';
import type { HistoryKey, Memory } from '../../../src/core/history/model.ts';
import type { SlackMessage } from '../../../src/core/render/slack.ts';
import { renderSlack } from '../../../src/core/render/slack.ts';
import type { Notification } from '../../../src/core/summary.ts';
import { deadlineIn } from '../../../src/deadline.ts';
import { createSlackWebApi } from '../../../src/destinations/slack-api.ts';
import { createSlackAppDestination, type SlackAppOptions } from '../../../src/destinations/slack-app.ts';
import type { Deadline } from '../../../src/ports.ts';
import { sinkPerTest, slackEmulatorPerTest } from './local-servers.ts';
import { summaryNotification } from './notifications.ts';

const TOKEN = 'xoxb-slack-app-test-0123456789';
const CHANNEL = 'C0BACKUPS';
// 2026-11-28T01:00:00Z as Slack's reader-local date token.
const SINCE = '2026-11-28T01:00:00Z';
const SINCE_TOKEN = '<!date^1795827600^{date_short_pretty} at {time}|2026-11-28 01:00:00 UTC>';

const startEmulator = slackEmulatorPerTest(TOKEN, [CHANNEL]);
const startSink = sinkPerTest();

interface SavedThread {
  readonly key: HistoryKey;
  readonly since: string;
  readonly ts: string;
  readonly deadline: Deadline;
}

async function slackApp(extra: Partial<SlackAppOptions> = {}) {
  const emulator = await startEmulator();
  const saved: SavedThread[] = [];
  const api = createSlackWebApi({
    apiUrl: emulator.url,
    token: async () => TOKEN,
    perAttemptTimeoutMs: 2_000,
    retry: { baseDelayMs: 0 },
  });
  const destination = createSlackAppDestination({
    api,
    channel: CHANNEL,
    threads: {
      saveThread: async (key, since, ts, deadline) => {
        saved.push({ key, since, ts, deadline });
      },
    },
    ...extra,
  });
  return { emulator, destination, saved };
}

const KEY: HistoryKey = { appliance: 'default', policy: 'SQL-Nightly' };

function memory(parts: Partial<Memory>): Memory {
  return { key: KEY, endedAt: '2026-11-30T01:00:00Z', facts: null, thread: null, ...parts };
}

function recovery(threadTs: string | null): Memory {
  return memory({
    facts: {
      change: true,
      streak: null,
      after: null,
      recovered: { cls: 'failure', runs: 2, since: SINCE, durationMs: 2 * 86_400_000 + 6 * 3_600_000, threadTs },
      duration: null,
    },
  });
}

/** The calls that reply in the thread of `parentTs` and put `banner` above the reply on the parent. */
function replyAndUpdate(parentTs: string, plain: SlackMessage, banner: string): [string, unknown][] {
  return [
    ['chat.postMessage', { channel: CHANNEL, text: plain.text, blocks: plain.blocks, thread_ts: parentTs }],
    ['chat.update', { channel: CHANNEL, ts: parentTs, ...withBanner(plain, banner) }],
  ];
}

/** A parent message as Slack should hold it: the banner in bold above the message, and leading the fallback text. */
function withBanner(plain: SlackMessage, banner: string): { text: string; blocks: unknown[] } {
  return {
    text: `${banner} — ${plain.text}`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${banner}*` } }, ...plain.blocks],
  };
}

describe('createSlackAppDestination', () => {
  it('is named slack', async () => {
    const { destination } = await slackApp();
    expect(destination.name).toBe('slack');
  });

  describe('a session without open problem runs', () => {
    it('posts the rendered message on its own to the channel', async () => {
      const { emulator: e, destination } = await slackApp();
      const notification = summaryNotification('38', 'success', { policy: 'SQL-Nightly' });

      const answer = await destination.post(notification, deadlineIn(5_000));

      expect(answer).toBeUndefined();
      const expected = renderSlack(notification);
      expect(e.calls.map((c) => [c.method, c.body])).toEqual([
        ['chat.postMessage', { channel: CHANNEL, text: expected.text, blocks: expected.blocks }],
      ]);
      expect(e.messages(CHANNEL)).toHaveLength(1);
    });

    it('posts on its own when the memory has neither a thread nor a recovery', async () => {
      const { emulator: e, destination, saved } = await slackApp();

      await destination.post(summaryNotification('39', 'failed', { memory: memory({}) }), deadlineIn(5_000));

      expect(e.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
      expect(e.calls[0]?.body).not.toHaveProperty('thread_ts');
      expect(saved).toEqual([]);
    });

    it('posts a recovery on its own when no thread was posted for the problem runs', async () => {
      const { emulator: e, destination } = await slackApp();

      await destination.post(summaryNotification('40', 'success', { memory: recovery(null) }), deadlineIn(5_000));

      expect(e.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
      expect(e.calls[0]?.body).not.toHaveProperty('thread_ts');
    });
  });

  describe('the threshold and the mention', () => {
    it('skips a session below SLACK_NOTIFY_ON and posts nothing', async () => {
      const { emulator: e, destination } = await slackApp({ notifyOn: 'failures' });

      const answer = await destination.post(summaryNotification('41', 'warning'), deadlineIn(5_000));

      expect(answer).toEqual({ skipped: 'SLACK_NOTIFY_ON=failures and the session is warning' });
      expect(e.calls).toEqual([]);
    });

    it('posts every session when no threshold is set', async () => {
      const { emulator: e, destination } = await slackApp();

      await destination.post(summaryNotification('42', 'success'), deadlineIn(5_000));

      expect(e.calls).toHaveLength(1);
    });

    it('mentions on a failure by default, not on a warning', async () => {
      const { emulator: e, destination } = await slackApp({ mention: '<!subteam^S0ONCALL>' });

      await destination.post(summaryNotification('43', 'failed'), deadlineIn(5_000));
      await destination.post(summaryNotification('44', 'warning'), deadlineIn(5_000));

      const [failed, warning] = e.messages(CHANNEL);
      expect(failed?.text.startsWith('<!subteam^S0ONCALL> ')).toBe(true);
      expect(warning?.text).not.toContain('S0ONCALL');
    });

    it('mentions on a warning too with mentionOn problems', async () => {
      const { emulator: e, destination } = await slackApp({ mention: '<!subteam^S0ONCALL>', mentionOn: 'problems' });

      await destination.post(summaryNotification('45', 'warning'), deadlineIn(5_000));

      expect(e.messages(CHANNEL)[0]?.text.startsWith('<!subteam^S0ONCALL> ')).toBe(true);
    });
  });

  describe('threads of open problem runs', () => {
    it('posts the first problem as a parent with the banner and saves its ts as the thread', async () => {
      const { emulator: e, destination, saved } = await slackApp();
      const notification = summaryNotification('50', 'failed', {
        memory: memory({ thread: { ts: null, since: SINCE, runs: 1 } }),
      });
      const deadline = deadlineIn(5_000);

      await destination.post(notification, deadline);

      const plain = renderSlack(notification);
      const banner = `Failing since ${SINCE_TOKEN}`;
      const [parent] = e.messages(CHANNEL);
      expect(e.calls).toHaveLength(1);
      expect(e.calls[0]?.body).toEqual({ channel: CHANNEL, ...withBanner(plain, banner) });
      expect(saved).toEqual([{ key: KEY, since: SINCE, ts: parent?.ts, deadline }]);
    });

    it('still posts the parent when no thread store is given', async () => {
      const { emulator: e, destination } = await slackApp({ threads: undefined });

      await destination.post(
        summaryNotification('51', 'failed', { memory: memory({ thread: { ts: null, since: SINCE, runs: 1 } }) }),
        deadlineIn(5_000),
      );

      expect(e.messages(CHANNEL)[0]?.text.startsWith('Failing since ')).toBe(true);
    });

    it('saves no thread when Slack’s answer carries no ts', async () => {
      const sink = await startSink();
      sink.enqueue('api', { status: 200, body: '{"ok":true}' });
      const saved: string[] = [];
      const destination = createSlackAppDestination({
        api: createSlackWebApi({ apiUrl: `${sink.url}/api`, token: async () => TOKEN, perAttemptTimeoutMs: 2_000 }),
        channel: CHANNEL,
        threads: { saveThread: async (_key, _since, ts) => void saved.push(ts) },
      });

      await destination.post(
        summaryNotification('52', 'failed', { memory: memory({ thread: { ts: null, since: SINCE, runs: 1 } }) }),
        deadlineIn(5_000),
      );

      expect(sink.posts).toHaveLength(1);
      expect(saved).toEqual([]);
    });

    it('replies to a later problem in the thread and updates the parent’s banner with the run count', async () => {
      const { emulator: e, destination, saved } = await slackApp();
      await destination.post(
        summaryNotification('60', 'failed', { memory: memory({ thread: { ts: null, since: SINCE, runs: 1 } }) }),
        deadlineIn(5_000),
      );
      const parentTs = saved[0]?.ts ?? '';
      const later = summaryNotification('61', 'failed', {
        memory: memory({ thread: { ts: parentTs, since: SINCE, runs: 3 } }),
      });

      await destination.post(later, deadlineIn(5_000));

      const plain = renderSlack(later);
      const banner = `Failing for 3 runs since ${SINCE_TOKEN}`;
      expect(e.calls.slice(1).map((c) => [c.method, c.body])).toEqual(replyAndUpdate(parentTs, plain, banner));
      expect(saved).toHaveLength(1);
      expect(e.messages(CHANNEL).map((m) => [m.threadTs, m.edits])).toEqual([
        [undefined, 1],
        [parentTs, 0],
      ]);
    });

    it('replies to the recovery in the thread and marks the parent resolved', async () => {
      const { emulator: e, destination, saved } = await slackApp();
      await destination.post(
        summaryNotification('70', 'failed', { memory: memory({ thread: { ts: null, since: SINCE, runs: 1 } }) }),
        deadlineIn(5_000),
      );
      const parentTs = saved[0]?.ts ?? '';
      const recovered = summaryNotification('71', 'success', { memory: recovery(parentTs) });

      await destination.post(recovered, deadlineIn(5_000));

      const plain = renderSlack(recovered);
      const banner = '✅ Resolved — recovered after 2 failures (2 days 6 h)';
      expect(e.calls.slice(1).map((c) => [c.method, c.body])).toEqual(replyAndUpdate(parentTs, plain, banner));
      expect(e.transcript(CHANNEL).split('\n')[0]).toBe(`● (edited 1×) ${banner} — ${plain.text}`);
    });

    it('cuts the parent’s text to Slack’s 4,000-character fallback limit, banner first', async () => {
      const { emulator: e, destination } = await slackApp();
      const base = summaryNotification('80', 'failed', {
        policy: '<'.repeat(400),
        memory: memory({ thread: { ts: null, since: SINCE, runs: 1 } }),
      });
      const problem = { severity: 'failed' as const, status: 'Failed', message: '<'.repeat(200), at: null };
      const notification: Notification =
        base.kind === 'summary'
          ? { ...base, summary: { ...base.summary, problems: [problem, problem, problem], failedCount: 3 } }
          : base;
      expect(renderSlack(notification).text.length).toBeGreaterThan(3_900);

      await destination.post(notification, deadlineIn(5_000));

      const text = String(e.calls[0]?.body.text);
      expect(text).toHaveLength(4_000);
      expect(text.startsWith(`Failing since ${SINCE_TOKEN} — `)).toBe(true);
    });
  });
});
