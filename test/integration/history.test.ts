import { afterEach, describe, expect, it } from 'vitest';
import { historySessions } from '../../src/dev/history-sequence.ts';
import { type SlackEmulator, startSlackEmulator } from '../../src/dev/slack-emulator.ts';
import type { RecordedPost } from '../../src/dev/webhook-sink.ts';
import { createMemoryHistoryStore, type HistoryStore } from '../../src/history/store.ts';
import { harnessPerTest } from '../support/harness.ts';

const start = harnessPerTest();
const SESSIONS = historySessions();
const IDS = SESSIONS.map((s) => s.session.id);
const BOT_TOKEN = 'xoxb-1111-2222-history-test-token';
const CHANNEL = 'C0HISTORY1';

/** The memory lines of a Slack webhook post (its context block under the header), or [] when it has none. */
function slackMemory(post: RecordedPost | undefined): string[] {
  const blocks =
    (post?.json as { blocks?: { type: string; elements?: { text: string }[] }[] } | undefined)?.blocks ?? [];
  const second = blocks[1];
  if (second?.type !== 'context' || second.elements?.[0]?.text.includes('Started')) return [];
  return (second.elements?.[0]?.text ?? '').split('\n');
}

const shared = { baselineMinRuns: 3 };

describe('alerts that remember', () => {
  describe('when one policy succeeds three times, fails twice and recovers slowly', () => {
    it('says nothing, then the first failure, the second in a row, and the recovery with the unusual duration', async () => {
      const h = await start({ TEAMS_WEBHOOK_URL: undefined }, { sessions: SESSIONS }, shared);
      for (const id of IDS) await h.invoke({ sessionId: id });
      const said = h.sink.postsTo('slack').map(slackMemory);
      expect(said.slice(0, 3)).toEqual([[], [], []]);
      expect(said[3]).toEqual(['first failure after 3 successes']);
      expect(said[4]?.[0]).toMatch(
        /^2nd failure in a row — last success <!date\^\d+\^\{date_short_pretty\} at \{time\}\|2026-11-26 01:29:00 UTC> \(1 day ago\)$/,
      );
      expect(said[5]).toEqual([
        '✅ Recovered after 2 failures (2 days 2 h)',
        'Took 2h 10m — 4.3× its median of 30m over the last 3 runs',
      ]);
    });

    it('changes nothing when any of the sessions is delivered again', async () => {
      const store = createMemoryHistoryStore();
      const h = await start(
        { TEAMS_WEBHOOK_URL: undefined },
        { sessions: SESSIONS },
        { ...shared, historyStore: store },
      );
      for (const id of IDS) await h.invoke({ sessionId: id });
      const before = structuredClone([...store.items]);
      const posts = h.sink.posts.length;
      for (const id of IDS) await h.invoke({ sessionId: id });
      expect([...store.items]).toEqual(before);
      expect(h.sink.posts.length).toBe(posts);
    });

    it('with SLACK_NOTIFY_ON=changes posts only the first failure and the recovery', async () => {
      const h = await start(
        { TEAMS_WEBHOOK_URL: undefined, SLACK_NOTIFY_ON: 'changes' },
        { sessions: SESSIONS },
        shared,
      );
      const results = [];
      for (const id of IDS) results.push(await h.invoke({ sessionId: id }));
      const posted = h.sink.postsTo('slack').map((p) => (p.json as { text: string }).text.match(/session (\d+)/)?.[1]);
      expect(posted).toEqual([IDS[3], IDS[5]]);
      expect(JSON.stringify(results[4])).toContain(
        'SLACK_NOTIFY_ON=changes and nothing changed since the previous run',
      );
    });

    it('gives the generic webhook and PagerDuty the same facts as data', async () => {
      const h = await start(
        (sink) => ({
          SLACK_WEBHOOK_URL: undefined,
          TEAMS_WEBHOOK_URL: undefined,
          GENERIC_WEBHOOK_URL: sink.urlFor('generic'),
          PAGERDUTY_ROUTING_KEY: 'R0123456789abcdefABCDEF0123456789',
          PAGERDUTY_EVENTS_URL: sink.urlFor('pagerduty'),
        }),
        { sessions: SESSIONS },
        shared,
      );
      for (const id of IDS) await h.invoke({ sessionId: id });
      const generic = h.sink.postsTo('generic').map((p) => (p.json as { history: unknown }).history);
      expect(generic[0]).toBeNull();
      expect(generic[4]).toMatchObject({
        streak: { kind: 'failure', count: 2 },
        lastSuccessAt: '2026-11-26T01:29:00Z',
      });
      expect(generic[5]).toMatchObject({
        streak: null,
        durationBaseline: { medianMs: 30 * 60_000, runs: 3, unusual: true },
        recoveredAfter: { runs: 2 },
      });
      const triggers = h.sink
        .postsTo('pagerduty')
        .map((p) => p.json as { event_action: string; payload?: { custom_details: { history?: unknown } } })
        .filter((e) => e.event_action === 'trigger');
      expect(triggers.map((e) => e.payload?.custom_details.history)).toMatchObject([
        { lines: ['first failure after 3 successes'] },
        { streak: { count: 2 } },
      ]);
    });
  });

  describe('in Teams', () => {
    it("writes the streak with the last success in each reader's time zone", async () => {
      const h = await start({ SLACK_WEBHOOK_URL: undefined }, { sessions: SESSIONS }, shared);
      for (const id of IDS.slice(0, 5)) await h.invoke({ sessionId: id });
      const card = JSON.stringify(h.sink.postsTo('teams')[4]?.json);
      expect(card).toContain(
        '2nd failure in a row — last success {{DATE(2026-11-26T01:29:00Z, SHORT)}} {{TIME(2026-11-26T01:29:00Z)}} (1 day ago)',
      );
    });
  });

  describe('when only the event names the policy', () => {
    it('says nothing from memory and leaves the memory untouched (an event cannot forge a streak)', async () => {
      const store = createMemoryHistoryStore();
      const h = await start(
        { TEAMS_WEBHOOK_URL: undefined },
        { sessions: SESSIONS },
        { ...shared, historyStore: store },
      );
      for (const id of IDS.slice(0, 4)) await h.invoke({ sessionId: id });
      const before = structuredClone([...store.items]);
      h.emulator.enqueueFaults('session', [{ status: 404 }]);
      await h.invoke({ sessionId: IDS[4], policyName: 'ERP-Database' });
      const posts = h.sink.postsTo('slack');
      expect(posts).toHaveLength(5);
      expect(posts[4]?.body).toContain('ERP-Database');
      expect(slackMemory(posts[4])).toEqual([]);
      expect([...store.items]).toEqual(before);
    });
  });

  describe('when the history store cannot be read', () => {
    it('posts the message without memory lines and logs a warning', async () => {
      const broken: HistoryStore = {
        read: async () => {
          throw new Error('table is on fire');
        },
        write: async () => false,
      };
      const h = await start({ TEAMS_WEBHOOK_URL: undefined }, { sessions: SESSIONS }, { historyStore: broken });
      await h.invoke({ sessionId: IDS[3] });
      expect(slackMemory(h.sink.postsTo('slack')[0])).toEqual([]);
      expect(h.output.join('')).toContain('policy history unavailable; the message goes without memory lines');
    });
  });
});

describe('Slack app mode', () => {
  let slack: SlackEmulator | undefined;
  afterEach(async () => {
    await slack?.close();
    slack = undefined;
  });
  const appEnv = (s: SlackEmulator) => ({
    SLACK_WEBHOOK_URL: undefined,
    TEAMS_WEBHOOK_URL: undefined,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_CHANNEL: CHANNEL,
    SLACK_API_URL: s.url,
  });

  it('threads the two failures under one parent, updates it twice and replies with the recovery', async () => {
    slack = await startSlackEmulator({ token: BOT_TOKEN, channels: [CHANNEL] });
    const h = await start(appEnv(slack), { sessions: SESSIONS }, shared);
    for (const id of IDS) await h.invoke({ sessionId: id });
    const messages = slack.messages(CHANNEL);
    const parents = messages.filter((m) => m.threadTs === undefined);
    const failureParent = parents.find((m) => m.text.includes(`session ${IDS[3]}`) || m.edits > 0);
    expect(parents).toHaveLength(4);
    expect(failureParent?.edits).toBe(2);
    expect(failureParent?.text).toMatch(/^✅ Resolved — recovered after 2 failures/);
    const replies = messages.filter((m) => m.threadTs === failureParent?.ts);
    expect(replies.map((r) => r.text.match(/session (\d+)/)?.[1])).toEqual([IDS[4], IDS[5]]);
    expect(h.output.join('')).not.toContain(BOT_TOKEN);
  });

  it('retries a 429 from the Web API after its Retry-After', async () => {
    slack = await startSlackEmulator({ token: BOT_TOKEN, channels: [CHANNEL] });
    const h = await start(appEnv(slack), { sessions: SESSIONS }, shared);
    slack.failNext(1, { retryAfterSeconds: 1 });
    const began = Date.now();
    await h.invoke({ sessionId: IDS[0] });
    expect(Date.now() - began).toBeGreaterThanOrEqual(1_000);
    expect(slack.calls.map((c) => c.status)).toEqual([429, 200]);
    expect(slack.messages(CHANNEL)).toHaveLength(1);
  });

  it('retries ok:false ratelimited and names the fix for not_in_channel', async () => {
    slack = await startSlackEmulator({ token: BOT_TOKEN, channels: [CHANNEL] });
    const h = await start(appEnv(slack), { sessions: SESSIONS }, shared);
    slack.failNext(1, { error: 'ratelimited' });
    await h.invoke({ sessionId: IDS[0] });
    expect(slack.messages(CHANNEL)).toHaveLength(1);
    slack.failNext(1, { error: 'not_in_channel' });
    await expect(h.invoke({ sessionId: IDS[1] })).rejects.toThrow(
      /not_in_channel: the app is not in SLACK_CHANNEL: invite it/,
    );
  });

  it.each([
    ['channel_not_found', /use the channel ID/],
    ['token_revoked', /reinstall the app and set the new bot token/],
    ['account_inactive', /reinstall the app/],
  ])('fails at once, not retryable, on %s with the fix in the message', async (code, fix) => {
    slack = await startSlackEmulator({ token: BOT_TOKEN, channels: [CHANNEL] });
    const h = await start(appEnv(slack), { sessions: SESSIONS }, shared);
    slack.failNext(1, { error: code });
    const error = (await h.invoke({ sessionId: IDS[0] }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(new RegExp(`${code}: .*${fix.source}`));
    expect(slack.calls).toHaveLength(1);
  });

  it('rejects a wrong token with a message that names the fix and never the token', async () => {
    slack = await startSlackEmulator({ token: 'xoxb-the-right-one-0000', channels: [CHANNEL] });
    const h = await start(appEnv(slack), { sessions: SESSIONS }, shared);
    const error = await h.invoke({ sessionId: IDS[0] }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/invalid_auth: SLACK_BOT_TOKEN is not valid/);
    expect(`${String(error)} ${h.output.join('')}`).not.toContain(BOT_TOKEN);
  });
});
