import { describe, expect, it } from 'vitest';
import {
  headlineOf,
  meetsThreshold,
  outcomeOf,
  sessionContextFrom,
  sessionTimes,
  sessionUrl,
  severityOf,
  shouldMention,
} from '../../../src/core/context.ts';
import { summarize } from '../../../src/core/summarize.ts';
import type { Notification, SessionContext, Severity } from '../../../src/core/summary.ts';
import { isoSeconds } from '../../../src/core/time.ts';
import { sessionContext } from '../../support/notifications.ts';

const context = (overrides: Partial<SessionContext> = {}): SessionContext =>
  sessionContext({ policyName: 'Nightly-Azure-VMs', type: 'Policy Backup', ...overrides });

const withLog = (statuses: string[], session?: SessionContext): Notification => ({
  kind: 'summary',
  summary: summarize('77', { log: statuses.map((status) => ({ status })) }),
  ...(session ? { session } : {}),
});

describe('sessionContextFrom', () => {
  it('takes name, type, status and times from the session, times cut to whole seconds in UTC', () => {
    const session = sessionContextFrom(
      '77',
      {
        status: 'Error',
        localizedType: 'Policy Backup',
        type: 'PolicyBackup',
        executionStartTime: '2024-03-12T01:00:04.123456Z',
        executionStopTime: '2024-03-12T03:17:19+02:00',
        executionDuration: '00:17:15.0000000',
        backupJobInfo: { policyName: ' Nightly-Azure-VMs ' },
      },
      { urlTemplate: 'https://appliance/#/sessions/{sessionId}' },
    );

    expect(session).toEqual({
      policyName: 'Nightly-Azure-VMs',
      policyNameFrom: 'appliance',
      type: 'Policy Backup',
      status: 'Error',
      startedAt: '2024-03-12T01:00:04Z',
      endedAt: '2024-03-12T01:17:19Z',
      durationMs: 1_035_000,
      url: 'https://appliance/#/sessions/77',
      fetched: true,
    });
  });

  it("keeps the appliance's policy name when the event names another policy", () => {
    const session = sessionContextFrom(
      '38',
      { status: 'Success', backupJobInfo: { policyName: 'Daily-SQL' } },
      { policyName: 'Nightly-Azure-VMs' },
    );
    expect(session.policyName).toBe('Daily-SQL');
    expect(session.policyNameFrom).toBe('appliance');
  });

  it("falls back to the event's policy name, marked as the event's word, when the appliance cannot say", () => {
    const session = sessionContextFrom('38', undefined, { policyName: 'Nightly-Azure-VMs' });
    expect(session.policyName).toBe('Nightly-Azure-VMs');
    expect(session.policyNameFrom).toBe('event');
  });

  it('knows nothing, and says it could not ask, when the session call failed', () => {
    expect(sessionContextFrom('1', undefined)).toEqual({
      policyName: null,
      type: null,
      status: null,
      startedAt: null,
      endedAt: null,
      durationMs: null,
      url: null,
      fetched: false,
    });
  });
});

describe('sessionUrl', () => {
  it('URL-encodes the session ID into every placeholder', () => {
    expect(sessionUrl('https://a/#/s/{sessionId}?id={sessionId}', 'a b/c')).toBe(
      'https://a/#/s/a%20b%2Fc?id=a%20b%2Fc',
    );
  });
});

describe('isoSeconds', () => {
  it('reads a zone-less time as UTC and rejects garbage', () => {
    expect(isoSeconds('2024-03-12T01:00:04.9')).toBe('2024-03-12T01:00:04Z');
    expect(isoSeconds('yesterday')).toBeNull();
    expect(isoSeconds(null)).toBeNull();
  });
});

describe('severityOf', () => {
  it("takes the worse of the log and the appliance's own status", () => {
    expect(severityOf(withLog(['Success'], context({ status: 'Error' })))).toBe('failed');
    expect(severityOf(withLog(['Error'], context({ status: 'Success' })))).toBe('failed');
    expect(severityOf(withLog(['Success'], context({ status: 'Success' })))).toBe('success');
  });

  it('keeps an empty log the appliance calls a success as empty, but reports a canceled empty session as canceled', () => {
    expect(outcomeOf(withLog([], context({ status: 'Success' })))).toBe('empty');
    expect(outcomeOf(withLog([], context({ status: 'Canceled' })))).toBe('canceled');
  });

  it('treats an unreadable log as unknown', () => {
    const problem: Notification = {
      kind: 'problem',
      problem: { sessionId: '9', failure: 'not-found', statusCode: 404, detail: 'gone' },
    };
    expect(severityOf(problem)).toBe('unknown');
    expect(outcomeOf(problem)).toBe('unreadable');
  });
});

describe('meetsThreshold', () => {
  const table: [Severity | null, boolean, boolean, boolean][] = [
    // severity, all, problems, failures
    ['failed', true, true, true],
    ['warning', true, true, false],
    ['unknown', true, true, false],
    ['canceled', true, false, false],
    ['running', true, false, false],
    ['success', true, false, false],
    [null, true, false, false],
  ];
  it.each(table)('lets a %s session through: all %s, problems %s, failures %s', (severity, all, problems, failures) => {
    expect(meetsThreshold(severity, 'all')).toBe(all);
    expect(meetsThreshold(severity, 'problems')).toBe(problems);
    expect(meetsThreshold(severity, 'failures')).toBe(failures);
  });
});

describe('shouldMention', () => {
  it('pings on failures always, on warnings only with "problems", never on success', () => {
    expect(shouldMention(withLog(['Error']), 'failures')).toBe(true);
    expect(shouldMention(withLog(['Warning']), 'failures')).toBe(false);
    expect(shouldMention(withLog(['Warning']), 'problems')).toBe(true);
    expect(shouldMention(withLog(['Success']), 'problems')).toBe(false);
  });
});

describe('headlineOf', () => {
  it.each([
    [['Error'], '❌ Nightly-Azure-VMs failed — session 77'],
    [['Warning'], '⚠️ Nightly-Azure-VMs finished with warnings — session 77'],
    [['Success'], '✅ Nightly-Azure-VMs succeeded — session 77'],
    [['Canceled'], '⏹️ Nightly-Azure-VMs was canceled — session 77'],
    [['Running'], '⏳ Nightly-Azure-VMs is still running — session 77'],
    [[], '📭 Nightly-Azure-VMs has no log entries — session 77'],
  ])('names the job and the outcome for %j', (statuses, headline) => {
    expect(headlineOf(withLog(statuses, context()))).toBe(headline);
  });

  it('says the job is unknown when the session could not be read', () => {
    expect(headlineOf(withLog(['Error']))).toBe('❌ Unknown job failed — session 77');
  });
});

describe('sessionTimes', () => {
  it("prefers the appliance's start and stop, and falls back to the log's span", () => {
    const log = summarize('1', {
      log: [{ status: 'Success', executionStartTime: '2024-01-01T00:00:00Z', executionDuration: '00:01:00' }],
    });
    const fromLog = sessionTimes({ kind: 'summary', summary: log });
    expect(fromLog).toEqual({ startedAt: '2024-01-01T00:00:00Z', endedAt: '2024-01-01T00:01:00Z', durationMs: 60_000 });
    const fromSession = sessionTimes({
      kind: 'summary',
      summary: log,
      session: context({ startedAt: '2023-12-31T23:59:00Z', endedAt: '2024-01-01T00:02:00Z' }),
    });
    expect(fromSession.startedAt).toBe('2023-12-31T23:59:00Z');
    expect(fromSession.endedAt).toBe('2024-01-01T00:02:00Z');
  });

  it("takes the appliance's duration when the log has no times (an empty log)", () => {
    const empty = summarize('60', { log: [] });
    expect(sessionTimes({ kind: 'summary', summary: empty, session: context({ durationMs: 412 }) }).durationMs).toBe(
      412,
    );
  });
});
