import { describe, expect, it } from 'vitest';
import {
  applianceLabel,
  headlineOf,
  outcomeOf,
  outcomeOfSeverity,
  sessionTimes,
  severityOf,
  shouldMention,
  thresholdReason,
} from '../../../src/core/context.ts';
import { summarize } from '../../../src/core/summarize.ts';
import type { Notification, SessionContext } from '../../../src/core/summary.ts';
import type { ReportedFailure } from '../../../src/core/vocabulary.ts';
import { sessionContext } from '../../support/notifications.ts';

const session = (overrides: Partial<SessionContext> = {}): SessionContext =>
  sessionContext({ policyName: 'Nightly-Azure-VMs', ...overrides });

const problem = (failure: ReportedFailure, context?: SessionContext): Notification => ({
  kind: 'problem',
  problem: { sessionId: '9', failure, statusCode: null, detail: 'the log is larger than 64 MB' },
  ...(context ? { session: context } : {}),
});

describe('a log too large to read', () => {
  it("takes the session's own failed status: a failure that pings, with a headline that says the log was not read", () => {
    const report = problem('too-large', session({ status: 'Failed' }));
    expect(severityOf(report)).toBe('failed');
    expect(outcomeOf(report)).toBe('failed');
    expect(shouldMention(report, 'failures')).toBe(true);
    expect(thresholdReason(report, 'failures')).toBeUndefined();
    expect(headlineOf(report)).toBe('❌ Nightly-Azure-VMs failed — session 9 (log too large to read)');
  });

  it('reports a session the appliance calls a success as succeeded, without a ping, and skips a failures-only destination', () => {
    const report = problem('too-large', session({ status: 'Success' }));
    expect(severityOf(report)).toBe('success');
    expect(outcomeOf(report)).toBe('succeeded');
    expect(shouldMention(report, 'problems')).toBe(false);
    expect(thresholdReason(report, 'failures')).toBe('the session is succeeded');
    expect(headlineOf(report)).toBe('✅ Nightly-Azure-VMs succeeded — session 9 (log too large to read)');
  });

  it('is an unreadable log when the session call gave no status either', () => {
    const report = problem('too-large', session());
    expect(severityOf(report)).toBe('unknown');
    expect(outcomeOf(report)).toBe('unreadable');
    expect(shouldMention(report, 'failures')).toBe(false);
    expect(headlineOf(report)).toBe('❌ Could not read session 9 (Nightly-Azure-VMs)');
  });
});

describe('any other unreadable log', () => {
  it("stays unreadable even when the appliance's status is known: the status alone never stands in for the log", () => {
    const report = problem('not-found', session({ status: 'Failed' }));
    expect(severityOf(report)).toBe('unknown');
    expect(outcomeOf(report)).toBe('unreadable');
    expect(shouldMention(report, 'failures')).toBe(false);
    expect(thresholdReason(report, 'problems')).toBeUndefined();
    expect(thresholdReason(report, 'failures')).toBe('the session is unreadable');
  });

  it('names no job when the session call failed too', () => {
    expect(headlineOf(problem('forbidden'))).toBe('❌ Could not read session 9');
  });
});

describe('outcomeOfSeverity', () => {
  it('turns each severity into the word a message uses', () => {
    expect(
      (['failed', 'warning', 'unknown', 'canceled', 'running', 'success'] as const).map(outcomeOfSeverity),
    ).toEqual(['failed', 'warning', 'unknown', 'canceled', 'running', 'succeeded']);
  });
});

describe('applianceLabel', () => {
  it('names a fleet member, and nothing for the single default appliance or an unnamed one', () => {
    const summary = summarize('1', { log: [] });
    expect(applianceLabel({ kind: 'summary', summary, appliance: { name: 'eu-west', source: 'eu-west' } })).toBe(
      'eu-west',
    );
    expect(
      applianceLabel({ kind: 'summary', summary, appliance: { name: 'default', source: 'appliance.example' } }),
    ).toBeNull();
    expect(applianceLabel({ kind: 'summary', summary })).toBeNull();
  });
});

describe('sessionTimes without a log', () => {
  const empty = summarize('5', { log: [] });
  const times = (startedAt: string | null, endedAt: string | null) =>
    sessionTimes({ kind: 'summary', summary: empty, session: session({ startedAt, endedAt }) }).durationMs;

  it('takes stop minus start as the duration, zero included', () => {
    expect(times('2024-01-01T00:00:00Z', '2024-01-01T00:07:38Z')).toBe(458_000);
    expect(times('2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')).toBe(0);
  });

  it('gives no duration for a stop before the start, or when either time is missing', () => {
    expect(times('2024-01-01T00:07:38Z', '2024-01-01T00:00:00Z')).toBeNull();
    expect(times('2024-01-01T00:00:00Z', null)).toBeNull();
    expect(times(null, '2024-01-01T00:00:00Z')).toBeNull();
  });

  it('reads the times of a problem report from the session alone', () => {
    const report = problem(
      'too-large',
      session({ startedAt: '2024-01-01T00:00:00Z', endedAt: '2024-01-01T01:00:00Z' }),
    );
    expect(sessionTimes(report)).toEqual({
      startedAt: '2024-01-01T00:00:00Z',
      endedAt: '2024-01-01T01:00:00Z',
      durationMs: 3_600_000,
    });
  });
});
