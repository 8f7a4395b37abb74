import { createRequire } from 'node:module';
import type * as AdaptiveCards from 'adaptivecards';
import { beforeEach, describe, expect, it } from 'vitest';
import { sessionContextFrom, severityOf, shouldMention } from '../../../src/core/context.ts';
import { JobSessionSchema } from '../../../src/core/job-session.ts';
import { renderTeams, TEAMS_MAX_BYTES, type TeamsMessage } from '../../../src/core/render/teams.ts';
import { createSummaryBuilder, summarize } from '../../../src/core/summarize.ts';
import type { Notification, Summary } from '../../../src/core/summary.ts';
import { SAMPLE_SESSIONS, type SampleSession, sampleLog } from '../../../src/dev/sample-sessions.ts';
import { loadSessionLog } from '../../support/load-fixture.ts';

// The package's ESM build imports extensionless paths Node cannot resolve; its UMD bundle loads fine and needs no DOM to parse.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCards;

const render = (summary: Summary): TeamsMessage => renderTeams({ kind: 'summary', summary });
const renderFixture = (id: string, fixture: string): TeamsMessage => render(summarize(id, loadSessionLog(fixture)));
const cardOf = (message: TeamsMessage) => message.attachments[0].content;
const bytes = (message: TeamsMessage): number => Buffer.byteLength(JSON.stringify(message), 'utf8');

/** Every string a reader could see on the card. */
function texts(message: TeamsMessage): string[] {
  return cardOf(message).body.flatMap((element) =>
    element.type === 'TextBlock' ? [element.text] : element.facts.flatMap((f) => [f.title, f.value]),
  );
}

const allText = (message: TeamsMessage): string => texts(message).join('\n');

/** Parses the card with Microsoft's own library and returns every parse and validation message it reports. */
function cardProblems(message: TeamsMessage): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  // The card goes through JSON, as Teams receives it.
  card.parse(JSON.parse(JSON.stringify(cardOf(message))), context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  for (const event of card.validateProperties().validationEvents) problems.push(event.message);
  return problems;
}

const MEGABYTE_MESSAGE = '[click](http://evil) <at>Ops</at> **é** '.repeat(25_000);

describe('cardProblems (the test oracle)', () => {
  it('does report a card the Adaptive Card parser objects to', () => {
    const message = renderFixture('38', 'documented-38');
    const broken = structuredClone(message) as unknown as { attachments: [{ content: { body: unknown[] } }] };
    broken.attachments[0].content.body.push({ type: 'TextBlock', text: 'x', color: 'Purple' }, { type: 'Bogus' });
    expect(cardProblems(broken as unknown as TeamsMessage)).toHaveLength(2);
  });
});

describe('renderTeams', () => {
  describe('with the documented session 38', () => {
    let message: TeamsMessage;
    beforeEach(() => {
      message = renderFixture('38', 'documented-38');
    });

    it('wraps one Adaptive Card 1.4 in a Workflows message', () => {
      expect(message.type).toBe('message');
      expect(message.attachments).toHaveLength(1);
      expect(message.attachments[0]).toMatchObject({
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
        },
      });
    });

    it('heads the card with the outcome in green', () => {
      expect(cardOf(message).body[0]).toEqual({
        type: 'TextBlock',
        text: '✅ Unknown job succeeded — session 38',
        wrap: true,
        weight: 'Bolder',
        size: 'Large',
        color: 'Good',
      });
    });

    it('states job, outcome, session, steps and duration as facts, saying the job name is unknown', () => {
      expect(cardOf(message).body[1]).toEqual({
        type: 'FactSet',
        facts: [
          { title: 'Job', value: 'unknown (session details unavailable)' },
          { title: 'Outcome', value: '✅ Succeeded' },
          { title: 'Session', value: '38' },
          { title: 'Steps', value: '4 steps: 4 Success' },
          { title: 'Duration', value: '7m 38s' },
        ],
      });
    });

    it("shows start and end in the reader's time zone, with the UTC times beneath", () => {
      expect(cardOf(message).body[2]).toMatchObject({
        text: '🕐 Started {{DATE(2020-02-05T10:43:57Z, SHORT)}} {{TIME(2020-02-05T10:43:57Z)}} · ended {{DATE(2020-02-05T10:51:35Z, SHORT)}} {{TIME(2020-02-05T10:51:35Z)}}',
      });
      expect(cardOf(message).body[3]).toMatchObject({
        text: '2020-02-05 10:43:57 UTC → 2020-02-05 10:51:35 UTC',
        isSubtle: true,
      });
    });

    it("passes Microsoft's Adaptive Card parser without errors or warnings", () => {
      expect(cardProblems(message)).toEqual([]);
    });

    it('has no actions without SESSION_URL_TEMPLATE', () => {
      expect(cardOf(message)).not.toHaveProperty('actions');
    });
  });

  describe('when steps failed and warned', () => {
    let message: TeamsMessage;
    beforeEach(() => {
      message = renderFixture('41', 'failed');
    });

    it('colours the headline Attention', () => {
      expect(cardOf(message).body[0]).toMatchObject({ text: '❌ Unknown job failed — session 41', color: 'Attention' });
    });

    it('lists failed steps before warnings, with their messages', () => {
      const text = allText(message);
      expect(text).toContain("**Error**: Repository backup of 'tw-vm1' failed: storage account is unreachable");
      expect(text.indexOf('**Failed steps (2)**')).toBeLessThan(text.indexOf('**Warnings (1)**'));
      expect(text.indexOf('Snapshot retention')).toBeLessThan(text.indexOf('**Warnings (1)**'));
    });

    it("passes Microsoft's Adaptive Card parser without errors or warnings", () => {
      expect(cardProblems(message)).toEqual([]);
    });
  });

  describe.each([
    ['warnings only', 'warnings', '⚠️ Unknown job finished with warnings', 'Warning'],
    ['an empty log', 'empty', '📭 Unknown job has no log entries', 'Warning'],
    ['a running session', 'running', '⏳ Unknown job is still running', 'Accent'],
    ['an unknown status', 'unknown-status', '❔ Unknown job ended with an unknown status', 'Warning'],
  ])('with %s', (_name, fixture, outcome, color) => {
    let message: TeamsMessage;
    beforeEach(() => {
      message = renderFixture('7', fixture);
    });

    it(`heads the card "${outcome}" in ${color}`, () => {
      expect(cardOf(message).body[0]).toMatchObject({ text: `${outcome} — session 7`, color });
    });

    it('passes the Adaptive Card parser', () => {
      expect(cardProblems(message)).toEqual([]);
    });
  });

  describe('with a message full of markdown, mentions and links', () => {
    let message: TeamsMessage;
    beforeEach(() => {
      message = render(
        summarize('49', {
          log: [
            {
              status: 'Error',
              message: '[click](http://evil) <at>Ops</at> @here *now* {{DATE(2020-01-01T00:00:00Z)}}',
            },
          ],
        }),
      );
    });

    it('escapes it so nothing links, mentions or formats', () => {
      const text = allText(message);
      expect(text).not.toContain('[click]');
      expect(text).not.toContain('http://');
      expect(text).not.toContain('<at>');
      expect(text).not.toContain('@here');
      expect(text).not.toContain('{{');
      expect(text).toContain('\\*now\\*');
    });

    it('still shows the reader the words', () => {
      expect(allText(message).replace(/[\u200B\u2060\\]/g, '')).toContain(
        '[click](http://evil) <at>Ops</at> @here *now*',
      );
    });
  });

  describe('with more problems than a card should show', () => {
    it('cuts each list with "…and N more"', () => {
      const builder = createSummaryBuilder('50');
      for (let i = 0; i < 30; i++) builder.add({ status: 'Failed', message: `disk ${i} failed` });
      builder.add({ status: 'Warning', message: 'slow' });
      const text = allText(render(builder.finish('50')));
      expect(text).toContain('…and 20 more failed steps');
      expect(text).not.toContain('more warning');
    });
  });

  describe('with huge inputs', () => {
    it(`stays within ${TEAMS_MAX_BYTES} UTF-8 bytes for a 100,000-step log with a 1 MB message`, () => {
      const builder = createSummaryBuilder('100000');
      for (let i = 0; i < 100_000; i++) {
        builder.add({ status: i % 2 === 0 ? 'Error' : 'Warning', message: i < 100 ? MEGABYTE_MESSAGE : `step ${i}` });
      }
      const message = render(builder.finish('100000'));
      expect(bytes(message)).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
      expect(allText(message)).toContain('…and 49990 more failed steps');
      expect(cardProblems(message)).toEqual([]);
    });

    it('stays within the byte limit with 10,000 distinct multi-byte unknown statuses', () => {
      const builder = createSummaryBuilder('10000');
      for (let i = 0; i < 10_000; i++) builder.add({ status: `状態${i}${'😀'.repeat(100)}` });
      const message = render(builder.finish(null));
      expect(bytes(message)).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
      expect(allText(message)).toMatch(/…and \d+ more statuses/);
    });

    it('stays within the byte limit for the largest summary the type allows', () => {
      const message = render({
        sessionId: 'x'.repeat(10_000),
        totalSteps: 100_000,
        counts: Array.from({ length: 10_000 }, (_, i) => ({
          status: `${i}${'€'.repeat(1_000)}`,
          severity: 'unknown' as const,
          count: 10,
        })),
        worst: 'failed',
        problems: Array.from({ length: 200 }, (_, i) => ({
          severity: i < 100 ? ('failed' as const) : ('warning' as const),
          status: '😀'.repeat(1_000),
          message: MEGABYTE_MESSAGE,
          at: null,
        })),
        failedCount: 100,
        warningCount: 100,
        durationMs: 1,
        startedAt: null,
        endedAt: null,
      });
      expect(bytes(message)).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
      expect(cardProblems(message)).toEqual([]);
    });
  });

  describe('for a log that could not be read', () => {
    let message: TeamsMessage;
    beforeEach(() => {
      message = renderTeams({
        kind: 'problem',
        problem: { sessionId: '999', failure: 'not-found', statusCode: 404, detail: 'session 999 was not found (404)' },
      });
    });

    it('alerts in red that the session could not be read, with the detail', () => {
      expect(cardOf(message).body[0]).toMatchObject({ text: '❌ Could not read session 999', color: 'Attention' });
      expect(allText(message)).toContain('session 999 was not found (404)');
      expect(cardOf(message).body[2]).toEqual({
        type: 'FactSet',
        facts: [
          { title: 'Session', value: '999' },
          { title: 'Reason', value: 'not-found' },
          { title: 'HTTP status', value: '404' },
        ],
      });
    });

    it('passes the Adaptive Card parser', () => {
      expect(cardProblems(message)).toEqual([]);
    });

    it('stays within the byte limit for a huge detail', () => {
      const huge = renderTeams({
        kind: 'problem',
        problem: { sessionId: '1', failure: 'invalid-response', statusCode: null, detail: MEGABYTE_MESSAGE },
      });
      expect(bytes(huge)).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
      expect(allText(huge)).not.toContain('<at>');
    });
  });
});

describe('renderTeams with session context', () => {
  const URL_TEMPLATE = 'https://appliance.example.com/#/sessions/{sessionId}';
  const MENTION = { id: 'alice@contoso.com', name: 'Alice Smith' };

  /** The notification the notifier builds for a bundled sample session: its log plus what the session call returns. */
  const sampleNotification = (id: string, sample: SampleSession): Notification => ({
    kind: 'summary',
    summary: summarize(id, sampleLog(id)),
    session: sessionContextFrom(id, JobSessionSchema.parse(sample.session), { urlTemplate: URL_TEMPLATE }),
  });

  describe.each([...SAMPLE_SESSIONS.entries()])('for sample session %s', (id, sample) => {
    let notification: Notification;
    let message: TeamsMessage;
    beforeEach(() => {
      notification = sampleNotification(id, sample);
      message = renderTeams(notification, { mention: MENTION });
    });

    it("passes Microsoft's Adaptive Card parser without errors or warnings", () => {
      expect(cardProblems(message)).toEqual([]);
    });

    it('states the headline facts: job, outcome, session, steps, duration and appliance status', () => {
      const text = allText(message);
      expect(text).toContain(`${sample.session.backupJobInfo.policyName}`);
      expect(text).toContain(`— session ${id}`);
      for (const title of ['Job', 'Outcome', 'Session', 'Steps', 'Duration', 'Appliance status']) {
        expect(texts(message)).toContain(title);
      }
      expect(text).toContain(sample.session.status);
      expect(cardOf(message).actions).toEqual([
        {
          type: 'Action.OpenUrl',
          title: 'Open session in console',
          url: `https://appliance.example.com/#/sessions/${id}`,
        },
      ]);
    });

    it('renders the mention it is given, which the policy gives only for failures', () => {
      const failed = severityOf(notification) === 'failed';
      expect(allText(message).includes('<at>Alice Smith</at>')).toBe(true);
      // The renderer mentions whoever the destination passes; the destination passes someone only for failures.
      expect(shouldMention(notification, 'failures')).toBe(failed);
    });
  });

  it('pairs the <at> text with a msteams mention entity', () => {
    const message = renderTeams(sampleNotification('77', SAMPLE_SESSIONS.get('77') as SampleSession), {
      mention: MENTION,
    });
    expect(cardOf(message).body[1]).toMatchObject({
      text: '🔔 <at>Alice Smith</at> please take a look.',
    });
    expect(cardOf(message).msteams).toEqual({
      width: 'Full',
      entities: [
        { type: 'mention', text: '<at>Alice Smith</at>', mentioned: { id: 'alice@contoso.com', name: 'Alice Smith' } },
      ],
    });
  });

  it('escapes a hostile policy name, so only the configured mention is a mention', () => {
    const message = renderTeams(
      {
        kind: 'summary',
        summary: summarize('5', { log: [{ status: 'Error' }] }),
        session: sessionContextFrom('5', {
          status: 'Error',
          backupJobInfo: { policyName: '<at>Everyone</at> [x](http://evil)' },
        }),
      },
      { mention: MENTION },
    );
    const text = allText(message);
    expect(text.match(/<at>/g)).toHaveLength(1);
    expect(text).not.toContain('http://');
    expect(cardProblems(message)).toEqual([]);
  });

  it('renders an unreadable session with its job name and link, and parses cleanly', () => {
    const message = renderTeams({
      kind: 'problem',
      problem: { sessionId: '77', failure: 'forbidden', statusCode: 403, detail: 'forbidden (403)' },
      session: sessionContextFrom('77', JobSessionSchema.parse(SAMPLE_SESSIONS.get('77')?.session), {
        urlTemplate: URL_TEMPLATE,
      }),
    });
    expect(cardOf(message).body[0]).toMatchObject({ text: '❌ Could not read session 77 (Nightly-Azure-VMs)' });
    expect(cardOf(message).actions).toHaveLength(1);
    expect(cardProblems(message)).toEqual([]);
  });
});
