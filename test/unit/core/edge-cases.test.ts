import { describe, expect, it } from 'vitest';
import { pagerDutyEvent } from '../../../src/core/render/pagerduty.ts';
import { renderTeams } from '../../../src/core/render/teams.ts';
import { createSummaryBuilder } from '../../../src/core/summarize.ts';
import type { Notification } from '../../../src/core/summary.ts';
import { parseTimeSpan, parseTimestamp } from '../../../src/core/time.ts';

describe('parseTimeSpan', () => {
  it('reads one-digit hours after days', () => {
    expect(parseTimeSpan('1.2:03:04')).toBe(93_784_000);
  });

  it.each(['001:00:00', '00:0x:00', '00:00:00.1x', '00:00:0'])('rejects %j', (text) => {
    expect(parseTimeSpan(text)).toBeNull();
  });
});

describe('parseTimestamp', () => {
  it('reads a time without a zone as UTC, and keeps Z, z and offsets', () => {
    expect(parseTimestamp('2024-03-12T01:00:04')).toBe(Date.UTC(2024, 2, 12, 1, 0, 4));
    expect(parseTimestamp('2024-03-12T01:00:04z')).toBe(Date.UTC(2024, 2, 12, 1, 0, 4));
    expect(parseTimestamp('2024-03-12T03:00:04+02:00')).toBe(Date.UTC(2024, 2, 12, 1, 0, 4));
    expect(parseTimestamp('2024-03-11T20:00:04-05:00')).toBe(Date.UTC(2024, 2, 12, 1, 0, 4));
    expect(parseTimestamp('2024-03-12')).toBe(Date.UTC(2024, 2, 12));
  });

  it('reads nothing from an empty, null or missing value', () => {
    expect(parseTimestamp('')).toBeNaN();
    expect(parseTimestamp(null)).toBeNaN();
    expect(parseTimestamp(undefined)).toBeNaN();
  });
});

describe('renderTeams problem lines', () => {
  const withSteps = (steps: { status: string; message?: string }[]): Notification => {
    const builder = createSummaryBuilder('5');
    for (const step of steps) builder.add(step);
    return { kind: 'summary', summary: builder.finish('5') };
  };
  const texts = (n: Notification) =>
    renderTeams(n).attachments[0].content.body.flatMap((e) => (e.type === 'TextBlock' ? [e.text] : []));

  it('says "(no message)" for a failed step with a blank message', () => {
    expect(texts(withSteps([{ status: 'Error', message: '  ' }]))).toContain('**Error**: *(no message)*');
  });

  it('says "…and 1 more failed step" in the singular', () => {
    const steps = Array.from({ length: 11 }, (_, i) => ({ status: 'Error', message: `disk ${i}` }));
    expect(texts(withSteps(steps))).toContain('…and 1 more failed step');
  });

  it('leaves out the HTTP status fact of a report that has none', () => {
    const card = renderTeams({
      kind: 'problem',
      problem: { sessionId: '9', failure: 'invalid-response', statusCode: null, detail: 'not JSON' },
    });
    expect(JSON.stringify(card)).not.toContain('HTTP status');
  });
});

describe('pagerDutyEvent details', () => {
  it('gives a null duration, not "unknown", when nothing timed the session', () => {
    const builder = createSummaryBuilder('6');
    builder.add({ status: 'Error', message: 'disk full' });
    const decided = pagerDutyEvent(
      { kind: 'summary', summary: builder.finish('6') },
      { routingKey: 'R0uting0Key0000000000000000000000', source: 'backup.example.com', notifyOn: 'failures' },
    );
    expect(decided).toMatchObject({ event: { payload: { custom_details: { duration: null } } } });
  });
});
