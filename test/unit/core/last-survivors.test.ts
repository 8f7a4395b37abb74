import { describe, expect, it } from 'vitest';
import { meetsThreshold, sessionContextFrom, thresholdReason } from '../../../src/core/context.ts';
import { EMPTY_HISTORY, type Memory } from '../../../src/core/history/model.ts';
import { recordRun, runClassOf } from '../../../src/core/history/record.ts';
import { describeObjects } from '../../../src/core/objects.ts';
import { pagerDutyEvent } from '../../../src/core/render/pagerduty.ts';
import { renderSlack } from '../../../src/core/render/slack.ts';
import { normalizeSessionId } from '../../../src/core/session-id.ts';
import { summarize } from '../../../src/core/summarize.ts';
import type { Notification } from '../../../src/core/summary.ts';
import { lastRunsByPolicy } from '../../../src/core/watch/missed-runs.ts';
import { memoryWith } from '../../support/notifications.ts';

const memory = memoryWith({
  change: true,
  streak: { cls: 'failure', count: 2, since: '2026-11-29T00:00:00Z', lastSuccessAt: null },
});
const failedSummary = () => summarize('77', { log: [{ status: 'Error', message: 'disk full' }] });

describe('runClassOf', () => {
  it('counts succeeded and empty as success, warning, failed as failure, canceled as other, and nothing else', () => {
    expect(
      ['succeeded', 'empty', 'warning', 'failed', 'canceled', 'unreadable', 'running', 'unknown'].map(runClassOf),
    ).toEqual(['success', 'success', 'warning', 'failure', 'other', undefined, undefined, undefined]);
  });
});

describe('recordRun at ties and cut-offs', () => {
  const finished = (sessionId: string, cls: 'success' | 'failure', endedAt: string) => ({
    sessionId,
    cls,
    durationMs: null,
    endedAt,
  });
  const options = { factor: 3, minRuns: 2 };

  it('records a run that ended at the same time as the newest as the newest, and says it changed the memory', () => {
    const first = recordRun(EMPTY_HISTORY, finished('1', 'success', '2026-11-30T01:00:00Z'), options).history;
    const tie = recordRun(first, finished('2', 'failure', '2026-11-30T01:00:00Z'), options);
    expect(tie.changed).toBe(true);
    expect(tie.history.open?.sessionId).toBe('2');
    expect(tie.run.facts?.streak?.count).toBe(1);
  });
});

describe('context edges', () => {
  it("keeps the appliance's processing statistics in the session context", () => {
    const context = sessionContextFrom('1', { status: 'Success', progress: { readSize: 10 } });
    expect(context.progress).toEqual({ readSize: 10 });
  });

  it('lets a canceled, running or unknown session through a changes-only destination without memory', () => {
    expect(meetsThreshold('canceled', 'changes')).toBe(true);
    expect(meetsThreshold('running', 'changes')).toBe(true);
    expect(meetsThreshold('unknown', 'changes')).toBe(true);
  });

  it('posts a too-large log whose session succeeded to a changes-only destination only as a report, not as a success', () => {
    const report: Notification = {
      kind: 'problem',
      problem: { sessionId: '9', failure: 'too-large', statusCode: null, detail: 'too large' },
      session: sessionContextFrom('9', { status: 'Success' }),
    };
    expect(thresholdReason(report, 'changes')).toBeUndefined();
  });
});

describe('renderer details', () => {
  it("writes memory's lines into the Slack context block as mrkdwn text", () => {
    const message = renderSlack({ kind: 'summary', summary: failedSummary(), memory });
    expect(message.blocks.find((b) => b.type === 'context')).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '2nd failure in a row — no success on record' }],
    });
  });

  it('names the job first in a Slack problem report when the session call named it', () => {
    const message = renderSlack({
      kind: 'problem',
      problem: { sessionId: '9', failure: 'forbidden', statusCode: 403, detail: 'no rights' },
      session: sessionContextFrom('9', { status: 'Failed', backupJobInfo: { policyName: 'Nightly' } }),
    });
    const fields = message.blocks.flatMap((b) => ('fields' in b ? b.fields.map((f) => f.text) : []));
    expect(fields[0]).toBe('*Job*\nNightly');
  });

  it('adds what memory knows to a PagerDuty event', () => {
    const decided = pagerDutyEvent(
      { kind: 'summary', summary: failedSummary(), memory },
      { routingKey: 'R0123456789abcdefABCDEF0123456789', source: 'appliance.example.com', notifyOn: 'failures' },
    );
    if (!('event' in decided)) throw new Error('skipped');
    expect(decided.event.payload?.custom_details).toMatchObject({
      history: { streak: { kind: 'failure', count: 2 }, lines: ['2nd failure in a row — no success on record'] },
    });
  });

  it('halves the name budget only when both failures and warnings are listed', () => {
    const list = Array.from({ length: 10 }, (_, i) => `n0${i}`);
    const warningsOnly = { noun: 'machines', total: 40, failedCount: 0, warningCount: 10, failed: [], warnings: list };
    expect(describeObjects(warningsOnly, 60)).toBe('10 of 40 machines had warnings: n00, n01, n02, n03, n04, …');
  });
});

describe('IDs and names', () => {
  it('refuses an array holding an ID', () => {
    expect(normalizeSessionId(['38'])).toBeNull();
  });

  it('names a listed session without an ID by an empty ID', () => {
    const runs = lastRunsByPolicy([
      { status: 'Success', executionStopTime: '2026-11-30T01:00:00Z', backupJobInfo: { policyName: 'P' } },
    ]);
    expect(runs.get('P')?.lastSessionId).toBe('');
  });

  it('orders statuses of equal count and severity by first appearance', () => {
    const summary = summarize('1', { log: ['Zeta', 'Alpha', 'Mu', 'Beta', 'Omega'].map((status) => ({ status })) });
    expect(summary.counts.map((c) => c.status)).toEqual(['Zeta', 'Alpha', 'Mu', 'Beta', 'Omega']);
  });
});

describe('more renderer and memory details', () => {
  it('joins several memory lines with line breaks in Slack', () => {
    const two: Memory = {
      ...memory,
      facts: {
        change: true,
        streak: { cls: 'failure', count: 2, since: '2026-11-29T00:00:00Z', lastSuccessAt: null },
        after: null,
        recovered: null,
        duration: { ms: 400, medianMs: 100, runs: 5, ratio: 4, unusual: true },
      },
    };
    const context = renderSlack({ kind: 'summary', summary: failedSummary(), memory: two }).blocks.find(
      (b) => b.type === 'context',
    );
    expect(context).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: '2nd failure in a row — no success on record\nTook 0s — 4.0× its median of 0s over the last 5 runs',
        },
      ],
    });
  });

  it('names the fleet appliance in a Slack problem report', () => {
    const message = renderSlack({
      kind: 'problem',
      problem: { sessionId: '9', failure: 'forbidden', statusCode: null, detail: 'no rights' },
      appliance: { name: 'eu-west', source: 'eu-west' },
    });
    const fields = message.blocks.flatMap((b) => ('fields' in b ? b.fields.map((f) => f.text) : []));
    expect(fields).toEqual(['*Session*\n9', '*Reason*\nforbidden', '*Appliance*\neu-west']);
  });

  it('hands back the ignored late run as it was told, without facts', () => {
    const history = Array.from({ length: 30 }, (_, i) => ({
      sessionId: String(i),
      cls: 'success' as const,
      durationMs: null,
      endedAt: new Date(Date.UTC(2026, 10, 1, i)).toISOString(),
    })).reduce((h, run) => recordRun(h, run, { factor: 3, minRuns: 2 }).history, EMPTY_HISTORY);
    const old = { sessionId: 'old', cls: 'failure' as const, durationMs: 5, endedAt: '2026-10-01T00:00:00.000Z' };
    expect(recordRun(history, old, { factor: 3, minRuns: 2 }).run).toEqual({ ...old, facts: null });
  });
});
