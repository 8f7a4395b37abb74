import { describe, expect, it } from 'vitest';
import { sessionContextFrom, sessionTimes } from '../../../src/core/context.ts';
import { escapeSlackText, escapeToFit } from '../../../src/core/render/escape.ts';
import { pagerDutyEvent } from '../../../src/core/render/pagerduty.ts';
import { renderSlack } from '../../../src/core/render/slack.ts';
import { renderTeams } from '../../../src/core/render/teams.ts';
import { summarize } from '../../../src/core/summarize.ts';
import type { Notification, SessionContext } from '../../../src/core/summary.ts';
import { parseDuration, parseTimeSpan } from '../../../src/core/time.ts';

const context = (overrides: Partial<SessionContext> = {}): SessionContext => ({
  policyName: 'Nightly-Azure-VMs',
  type: 'Policy Backup',
  status: 'Error',
  startedAt: '2024-03-12T01:00:04Z',
  endedAt: '2024-03-12T01:17:19Z',
  durationMs: null,
  url: null,
  fetched: true,
  ...overrides,
});

const emptyLog = (session: SessionContext): Notification => ({
  kind: 'summary',
  summary: summarize('77', { log: [] }),
  session,
});

describe('parseTimeSpan near misses', () => {
  it.each(['00:00x00', '00x00:00', '00:00:0x', '0:00:00x', '00:00:00.', '00:00:00.12345678', '00:00:00,5', '1.:00:00'])(
    'rejects %j as a duration',
    (text) => {
      expect(parseTimeSpan(text)).toBeNull();
    },
  );

  it.each([
    ['00:59:59', 3_599_000],
    ['23:59:59.9999999', 86_399_999 + 0.9999],
    ['9:00:00', 32_400_000],
    ['10675199.02:48:05', 922_337_203_685_000],
  ])('accepts %j, the largest value of each field', (text, ms) => {
    expect(parseTimeSpan(text)).toBeCloseTo(ms, 3);
  });

  it.each(['00:60:00', '00:00:60', '24:00:00', '10675200.00:00:00', '123:00:00', '123456789.00:00:00'])(
    'rejects %j, one past a field',
    (text) => {
      expect(parseTimeSpan(text)).toBeNull();
    },
  );

  it.each([
    [' 00:01:00', 60_000],
    ['00:01:00\t', 60_000],
    ['\n 1.00:00:00 \r\n', 86_400_000],
  ])('reads padded %j as the value inside', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('rejects a value that is only padding', () => {
    expect(parseDuration('   ')).toBeNull();
    expect(parseDuration('')).toBeNull();
  });
});

describe('sessionTimes with reversed or negative spans', () => {
  it('gives no duration, never a negative one, when the appliance says the session ended before it started', () => {
    const times = sessionTimes(
      emptyLog(context({ startedAt: '2024-03-12T01:17:19Z', endedAt: '2024-03-12T01:00:04Z' })),
    );
    expect(times).toEqual({ startedAt: '2024-03-12T01:17:19Z', endedAt: '2024-03-12T01:00:04Z', durationMs: null });
  });

  it('takes stop minus start when the session ended the second it started (zero is a duration)', () => {
    const at = '2024-03-12T01:00:04Z';
    expect(sessionTimes(emptyLog(context({ startedAt: at, endedAt: at }))).durationMs).toBe(0);
  });

  it("ignores a negative appliance executionDuration and keeps a zero one, so 'Duration' never reads negative", () => {
    const negative = sessionContextFrom('77', { status: 'Error', executionDuration: '-00:05:00' });
    expect(negative.durationMs).toBeNull();
    const zero = sessionContextFrom('77', { status: 'Error', executionDuration: '00:00:00' });
    expect(zero.durationMs).toBe(0);
    const slack = renderSlack(emptyLog({ ...negative, startedAt: null, endedAt: null }));
    expect(JSON.stringify(slack)).toContain('*Duration*\\nunknown');
  });

  it('trims a whitespace-padded policy name, type and status, and treats a blank one as unknown', () => {
    const padded = sessionContextFrom(
      '77',
      { status: '  Error ', type: 'PolicyBackup', localizedType: ' \t', backupJobInfo: { policyName: '  Nightly ' } },
      { policyName: '   ' },
    );
    expect(padded).toMatchObject({ policyName: 'Nightly', type: 'PolicyBackup', status: 'Error' });
  });
});

describe('renderer fact titles, as the reader sees them', () => {
  const failed = (): Notification => ({
    kind: 'summary',
    summary: summarize('77', { log: [{ status: 'Error', message: 'disk full' }] }),
    session: context(),
  });

  it('Slack shows Job, Outcome, Session, Steps, Duration and Appliance status, each title in bold on its own line', () => {
    const fields = renderSlack(failed()).blocks.flatMap((b) => ('fields' in b ? b.fields.map((f) => f.text) : []));
    expect(fields).toEqual([
      '*Job*\nNightly-Azure-VMs (Policy Backup)',
      '*Outcome*\n❌ Failed',
      '*Session*\n77',
      '*Steps*\n1 step: 1 Error',
      '*Duration*\n17m 15s',
      '*Appliance status*\nError',
    ]);
  });

  it('Teams shows the same facts with the same titles', () => {
    const facts = renderTeams(failed()).attachments[0].content.body.flatMap((e) =>
      e.type === 'FactSet' ? e.facts.map((f) => `${f.title}: ${f.value}`) : [],
    );
    expect(facts).toEqual([
      'Job: Nightly-Azure-VMs (Policy Backup)',
      'Outcome: ❌ Failed',
      'Session: 77',
      'Steps: 1 step: 1 Error',
      'Duration: 17m 15s',
      'Appliance status: Error',
    ]);
  });

  it('Teams shows only the start when the end is unknown, and only the end when the start is', () => {
    const startOnly = renderTeams(emptyLog(context({ endedAt: null }))).attachments[0].content.body;
    expect(startOnly.slice(-2)).toEqual([
      {
        type: 'TextBlock',
        text: '🕐 Started {{DATE(2024-03-12T01:00:04Z, SHORT)}} {{TIME(2024-03-12T01:00:04Z)}}',
        wrap: true,
        spacing: 'Small',
      },
      {
        type: 'TextBlock',
        text: '2024-03-12 01:00:04 UTC',
        wrap: true,
        isSubtle: true,
        size: 'Small',
        spacing: 'Small',
      },
    ]);
    const endOnly = renderTeams(emptyLog(context({ startedAt: null }))).attachments[0].content.body;
    expect(endOnly.slice(-2).map((e) => (e.type === 'TextBlock' ? e.text : ''))).toEqual([
      '🕐 ended {{DATE(2024-03-12T01:17:19Z, SHORT)}} {{TIME(2024-03-12T01:17:19Z)}}',
      '2024-03-12 01:17:19 UTC',
    ]);
    const neither = renderTeams(emptyLog(context({ startedAt: null, endedAt: null }))).attachments[0].content.body;
    expect(JSON.stringify(neither)).not.toContain('🕐');
    expect(JSON.stringify(neither)).toContain('"title":"Duration","value":"unknown"');
  });

  it('a report about an unreadable log shows Job, Session, Reason and HTTP status in Slack and Teams', () => {
    const problem: Notification = {
      kind: 'problem',
      problem: { sessionId: '999', failure: 'forbidden', statusCode: 403, detail: 'refused (403)' },
      session: context({ status: null }),
    };
    const slackFields = renderSlack(problem).blocks.flatMap((b) => ('fields' in b ? b.fields.map((f) => f.text) : []));
    expect(slackFields).toEqual([
      '*Job*\nNightly-Azure-VMs (Policy Backup)',
      '*Session*\n999',
      '*Reason*\nforbidden',
      '*HTTP status*\n403',
    ]);
    const teamsFacts = renderTeams(problem).attachments[0].content.body.flatMap((e) =>
      e.type === 'FactSet' ? e.facts.map((f) => f.title) : [],
    );
    expect(teamsFacts).toEqual(['Job', 'Session', 'Reason', 'HTTP status']);
  });
});

describe('pagerDutyEvent for a log that could not be read', () => {
  const options = { routingKey: 'R0uting0Key0000000000000000000000', source: 'backup.example.com' } as const;
  const unreadable = (policyName: string | null): Notification => ({
    kind: 'problem',
    problem: { sessionId: '999', failure: 'not-found', statusCode: 404, detail: 'session 999 was not found (404)' },
    session: context({ policyName, status: null, type: null, startedAt: null, endedAt: null }),
  });

  it('triggers an error-severity alert whose details keep the problem and its detail', () => {
    const decided = pagerDutyEvent(unreadable('Nightly-Azure-VMs'), { ...options, notifyOn: 'problems' });
    expect(decided).toMatchObject({
      event: {
        event_action: 'trigger',
        dedup_key: 'backup.example.com/policy/Nightly-Azure-VMs',
        payload: {
          summary: '❌ Could not read session 999 (Nightly-Azure-VMs)',
          severity: 'error',
          component: 'Nightly-Azure-VMs',
          custom_details: {
            session_id: '999',
            job: 'Nightly-Azure-VMs',
            outcome: 'unreadable',
            problem: 'not-found',
            detail: 'session 999 was not found (404)',
          },
        },
      },
    });
  });

  it('sends nothing for it with notifyOn "failures", and says why', () => {
    expect(pagerDutyEvent(unreadable(null), { ...options, notifyOn: 'failures' })).toEqual({
      skipped: 'PAGERDUTY_NOTIFY_ON=failures and the session is unreadable',
    });
  });
});

describe('escapeToFit with no room at all', () => {
  it('gives an empty text for a budget of zero or below instead of looping forever', () => {
    expect(escapeToFit('<!channel> & more', 0, escapeSlackText)).toBe('');
    expect(escapeToFit('<!channel> & more', -5, escapeSlackText)).toBe('');
  });

  it('renders, rather than hangs, when a mention leaves the fallback text no room (config caps mentions far below)', () => {
    const mention = `<@U${'X'.repeat(4_100)}>`;
    const message = renderSlack(emptyLog(context()), { mention });
    expect(message.text).toBe(`${mention} `);
  });
});
