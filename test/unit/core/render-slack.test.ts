import { beforeEach, describe, expect, it } from 'vitest';
import { renderSlack, SLACK_LIMITS, type SlackMessage, slackBlockChars } from '../../../src/core/render/slack.ts';
import { createSummaryBuilder, summarize } from '../../../src/core/summarize.ts';
import type { Notification, ProblemStep, SessionContext, StatusCount, Summary } from '../../../src/core/summary.ts';
import { loadSessionLog } from '../../support/load-fixture.ts';

const render = (summary: Summary): SlackMessage => renderSlack({ kind: 'summary', summary });
const renderFixture = (id: string, fixture: string): SlackMessage => render(summarize(id, loadSessionLog(fixture)));

/** Every text a reader could see, with the block it came from. */
function texts(message: SlackMessage): { kind: string; text: string }[] {
  return message.blocks.flatMap((block) => {
    if ('fields' in block) return block.fields.map((f) => ({ kind: 'field', text: f.text }));
    if (block.type === 'actions') return block.elements.map((e) => ({ kind: 'button', text: e.text.text }));
    if ('elements' in block) return block.elements.map((e) => ({ kind: 'context', text: e.text }));
    return [{ kind: block.type, text: block.text.text }];
  });
}

/** Our own localised-time tokens are the only `<…>` the renderer may emit (besides a configured mention). */
const withoutDateTokens = (text: string): string =>
  text.replace(/<!date\^\d+\^\{date_short_pretty\} at \{time\}\|[\d :-]+ UTC>/g, '');

const allText = (message: SlackMessage): string =>
  texts(message)
    .map((t) => t.text)
    .join('\n');

/** Asserts every Slack limit this renderer promises. */
function expectWithinSlackLimits(message: SlackMessage): void {
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  expect(slackBlockChars(message.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.totalBlockChars);
  for (const block of message.blocks) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if ('fields' in block) {
      expect(block.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    }
    if (block.type === 'section' && 'text' in block) {
      expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    }
  }
}

const MEGABYTE_MESSAGE = '<!channel> & '.repeat(80_000);

/** A summary no summarizer would produce, at the edge of what the type allows: the renderer must still fit. */
function monstrousSummary(): Summary {
  const problem = (severity: 'failed' | 'warning', i: number): ProblemStep => ({
    severity,
    status: severity === 'failed' ? 'Error' : 'Warning',
    message: `${i} ${MEGABYTE_MESSAGE}`,
    at: null,
  });
  const counts: StatusCount[] = Array.from({ length: 10_000 }, (_, i) => ({
    status: `Strange status ${i} ${'é'.repeat(500)}`,
    severity: 'unknown',
    count: 10,
  }));
  return {
    sessionId: '7c4b8f0e-3a65-4b5a-9d0e-4e4b1c2a9f10',
    totalSteps: 100_000,
    counts,
    worst: 'failed',
    problems: [
      ...Array.from({ length: 100 }, (_, i) => problem('failed', i)),
      ...Array.from({ length: 100 }, (_, i) => problem('warning', i)),
    ],
    failedCount: 50_000,
    warningCount: 50_000,
    durationMs: 123_456_789,
    startedAt: '2020-01-01T00:00:00.000Z',
    endedAt: '2020-01-02T10:17:36.789Z',
  };
}

describe('renderSlack', () => {
  describe('with the documented session 38', () => {
    let message: SlackMessage;
    beforeEach(() => {
      message = renderFixture('38', 'documented-38');
    });

    it('heads the message with the outcome and the session', () => {
      expect(message.blocks[0]).toEqual({
        type: 'header',
        text: { type: 'plain_text', text: '✅ Unknown job succeeded — session 38', emoji: true },
      });
    });

    it('states job, outcome, session, steps and duration as fields, saying the job name is unknown', () => {
      expect(message.blocks[1]).toEqual({
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*Job*\n_unknown (session details unavailable)_' },
          { type: 'mrkdwn', text: '*Outcome*\n✅ Succeeded' },
          { type: 'mrkdwn', text: '*Session*\n38' },
          { type: 'mrkdwn', text: '*Steps*\n4 steps: 4 Success' },
          { type: 'mrkdwn', text: '*Duration*\n7m 38s' },
        ],
      });
    });

    it('lists no problem steps', () => {
      expect(allText(message)).not.toMatch(/Failed steps|Warnings/);
    });

    it('gives a plain-language fallback text', () => {
      expect(message.text).toBe('✅ Unknown job succeeded — session 38 (4 steps: 4 Success, 7m 38s)');
    });
  });

  describe('when steps failed and warned', () => {
    let message: SlackMessage;
    beforeEach(() => {
      message = renderFixture('41', 'failed');
    });

    it('says the session failed', () => {
      expect(message.blocks[0]).toMatchObject({ text: { text: '❌ Unknown job failed — session 41' } });
    });

    it('lists failed steps before warnings, with their messages', () => {
      const text = allText(message);
      const failedAt = text.indexOf('*Failed steps (2)*');
      const warningsAt = text.indexOf('*Warnings (1)*');
      expect(failedAt).toBeGreaterThan(-1);
      expect(warningsAt).toBeGreaterThan(failedAt);
      expect(text).toContain("• *Error*: Repository backup of 'tw-vm1' failed: storage account is unreachable");
      expect(text.indexOf('Snapshot retention')).toBeLessThan(warningsAt);
    });

    it('names the first problems in the fallback text', () => {
      expect(message.text).toContain('Error: Repository backup');
    });
  });

  describe('when a warning has no message', () => {
    it('says so instead of leaving the line blank', () => {
      expect(allText(renderFixture('42', 'warnings'))).toContain('• *Warning*: _(no message)_');
    });
  });

  describe.each([
    ['an empty log', 'empty', '📭 Unknown job has no log entries'],
    ['a running session', 'running', '⏳ Unknown job is still running'],
    ['an unknown status', 'unknown-status', '❔ Unknown job ended with an unknown status'],
    ['warnings only', 'warnings', '⚠️ Unknown job finished with warnings'],
  ])('with %s', (_name, fixture, outcome) => {
    it(`heads the message "${outcome}"`, () => {
      const message = renderFixture('7', fixture);
      expect(message.blocks[0]).toMatchObject({ text: { text: `${outcome} — session 7` } });
      expect(message.text.startsWith(outcome)).toBe(true);
    });
  });

  describe('with an empty log', () => {
    it('shows an unknown duration and no time context', () => {
      const message = renderFixture('43', 'empty');
      expect(allText(message)).toContain('*Duration*\nunknown');
      expect(message.blocks.some((b) => b.type === 'context')).toBe(false);
    });
  });

  describe('with a canceled session', () => {
    it('heads the message "⏹️ … was canceled"', () => {
      const message = render(summarize('8', { log: [{ status: 'Success' }, { status: 'Canceled' }] }));
      expect(message.blocks[0]).toMatchObject({ text: { text: '⏹️ Unknown job was canceled — session 8' } });
    });
  });

  describe('with a message that tries to ping the channel and plant a link', () => {
    let message: SlackMessage;
    beforeEach(() => {
      message = renderFixture('49', 'hostile-message');
    });

    it('leaves no unescaped < anywhere, so no <!channel>, mention or link reaches Slack', () => {
      for (const text of [...texts(message).map((t) => withoutDateTokens(t.text)), message.text]) {
        expect(text).not.toContain('<');
        expect(text).not.toContain('http://');
        expect(text).not.toMatch(/@here/);
      }
    });

    it('still shows the reader the words', () => {
      const seen = allText(message).replace(/[\u200B\u2060]/g, '');
      expect(seen).toContain('&lt;!channel&gt; see &lt;http://evil|click&gt; @here');
    });
  });

  describe('with more problems than a message should show', () => {
    let message: SlackMessage;
    beforeEach(() => {
      const builder = createSummaryBuilder('50');
      for (let i = 0; i < 30; i++) builder.add({ status: 'Error', message: `disk ${i} failed` });
      for (let i = 0; i < 12; i++) builder.add({ status: 'Warning', message: `disk ${i} slow` });
      message = render(builder.finish('50'));
    });

    it('cuts each list with "…and N more"', () => {
      const text = allText(message);
      expect(text).toContain('_…and 20 more failed steps_');
      expect(text).toContain('_…and 2 more warning steps_');
      expect(text).toContain('disk 9 failed');
      expect(text).not.toContain('disk 10 failed');
    });
  });

  describe('with huge inputs', () => {
    it('stays within every limit for a 100,000-step log with a 1 MB message', () => {
      const builder = createSummaryBuilder('100000');
      for (let i = 0; i < 100_000; i++) {
        builder.add({
          status: i % 2 === 0 ? 'Error' : 'RunningWithWarning',
          message: i === 0 ? MEGABYTE_MESSAGE : `step ${i} <@U${i}> @channel`,
          logTime: new Date(Date.UTC(2021, 0, 1) + i * 500).toISOString(),
        });
      }
      const message = render(builder.finish('100000'));
      expectWithinSlackLimits(message);
      expect(allText(message)).toContain('…and 49990 more failed steps');
      expect(withoutDateTokens(allText(message))).not.toContain('<');
    });

    it('stays within every limit with 10,000 distinct unknown statuses', () => {
      const builder = createSummaryBuilder('10000');
      for (let i = 0; i < 10_000; i++) builder.add({ status: `Unheard-of status number ${i}` });
      const message = render(builder.finish(null));
      expectWithinSlackLimits(message);
      expect(allText(message)).toMatch(/…and \d+ more statuses/);
    });

    it('stays within every limit for the largest summary the type allows', () => {
      const message = render(monstrousSummary());
      expectWithinSlackLimits(message);
      expect(message.blocks[0]?.type).toBe('header');
    });
  });

  describe('for a log that could not be read', () => {
    let message: SlackMessage;
    beforeEach(() => {
      message = renderSlack({
        kind: 'problem',
        problem: { sessionId: '999', failure: 'not-found', statusCode: 404, detail: 'session 999 was not found (404)' },
      });
    });

    it('alerts that the session could not be read', () => {
      expect(message.blocks[0]).toEqual({
        type: 'header',
        text: { type: 'plain_text', text: '❌ Could not read session 999', emoji: true },
      });
      expect(message.text).toBe('❌ Could not read session 999: session 999 was not found (404)');
    });

    it('states the detail, the reason and the HTTP status', () => {
      const text = allText(message);
      expect(text).toContain('session 999 was not found (404)');
      expect(text).toContain('*Reason*\nnot-found');
      expect(text).toContain('*HTTP status*\n404');
    });

    it('leaves out the HTTP status when there was none', () => {
      const noStatus = renderSlack({
        kind: 'problem',
        problem: { sessionId: '5', failure: 'invalid-response', statusCode: null, detail: 'the appliance sent HTML' },
      });
      expect(allText(noStatus)).not.toContain('HTTP status');
    });

    it('escapes and bounds a hostile, huge detail', () => {
      const hostile = renderSlack({
        kind: 'problem',
        problem: { sessionId: '5', failure: 'bad-request', statusCode: 400, detail: MEGABYTE_MESSAGE },
      });
      expectWithinSlackLimits(hostile);
      expect(allText(hostile)).not.toContain('<');
      expect(hostile.text).not.toContain('<');
    });
  });
});

describe('renderSlack with session context', () => {
  const session = (overrides: Partial<SessionContext> = {}): SessionContext => ({
    policyName: 'Nightly-Azure-VMs',
    type: 'Policy Backup',
    status: 'Error',
    startedAt: '2024-03-12T01:00:04Z',
    endedAt: '2024-03-12T01:17:19Z',
    url: 'https://appliance.example.com/#/sessions/77',
    durationMs: null,
    fetched: true,
    ...overrides,
  });
  const failed = (context: SessionContext): Notification => ({
    kind: 'summary',
    summary: summarize('77', { log: [{ status: 'Error', message: 'disk full' }] }),
    session: context,
  });

  it('names the job, its type and the appliance status', () => {
    const message = renderSlack(failed(session()));
    expect(message.blocks[0]).toMatchObject({ text: { text: '❌ Nightly-Azure-VMs failed — session 77' } });
    expect(allText(message)).toContain('*Job*\nNightly-Azure-VMs (Policy Backup)');
    expect(allText(message)).toContain('*Appliance status*\nError');
  });

  it("shows the times in each reader's time zone with the UTC time as fallback", () => {
    const context = renderSlack(failed(session())).blocks.find((b) => b.type === 'context');
    expect(context).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Started <!date^1710205204^{date_short_pretty} at {time}|2024-03-12 01:00:04 UTC> · ended <!date^1710206239^{date_short_pretty} at {time}|2024-03-12 01:17:19 UTC>',
        },
      ],
    });
  });

  it('ends with a link button to the session, and has none without a URL', () => {
    expect(renderSlack(failed(session())).blocks.at(-1)).toMatchObject({
      type: 'actions',
      elements: [{ type: 'button', url: 'https://appliance.example.com/#/sessions/77' }],
    });
    expect(renderSlack(failed(session({ url: null }))).blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('puts the configured mention first, verbatim, in the blocks and the notification text', () => {
    const message = renderSlack(failed(session()), { mention: '<!subteam^S0123ABC> <@U0456DEF>' });
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '🔔 <!subteam^S0123ABC> <@U0456DEF> please take a look.' },
    });
    expect(message.text.startsWith('<!subteam^S0123ABC> <@U0456DEF> ❌ Nightly-Azure-VMs failed')).toBe(true);
  });

  it('escapes a hostile policy name, so only the configured mention pings', () => {
    const message = renderSlack(failed(session({ policyName: '<!channel> <http://evil|x>' })), {
      mention: '<@U0456DEF>',
    });
    // plain_text headers are never parsed for mentions or links; every mrkdwn text must be free of '<'.
    const mrkdwnTexts = texts(message).filter((t) => t.kind !== 'header' && t.kind !== 'button');
    const text = withoutDateTokens(mrkdwnTexts.map((t) => t.text).join('\n')).replaceAll('<@U0456DEF>', '');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<');
    expect(message.text.replace('<@U0456DEF>', '')).not.toContain('<');
  });

  it('stays within every limit with a mention, a link and a huge log', () => {
    const message = renderSlack(
      { kind: 'summary', summary: monstrousSummary(), session: session({ policyName: 'p'.repeat(10_000) }) },
      { mention: '<!subteam^S0123ABC>' },
    );
    expectWithinSlackLimits(message);
    expect(message.blocks.at(-1)?.type).toBe('actions');
  });
});
