import { describe, expect, it } from 'vitest';
import { type PolicyHistory, PolicyHistorySchema } from '../../../src/core/history/model.ts';
import { JobSessionPageSchema, JobSessionSchema } from '../../../src/core/job-session.ts';
import { SessionLogSchema } from '../../../src/core/session-log.ts';
import { FailureSchema } from '../../../src/core/vocabulary.ts';

/** A stored memory with every optional part filled in, as the store writes it after a few runs. */
function fullHistory(): PolicyHistory {
  return {
    runs: [
      {
        sessionId: '53',
        cls: 'failure',
        durationMs: 120_000,
        endedAt: '2026-11-29T01:10:00Z',
        facts: {
          change: true,
          streak: { cls: 'failure', count: 2, since: '2026-11-28T01:10:00Z', lastSuccessAt: '2026-11-27T01:17:00Z' },
          after: { cls: 'success', count: 4 },
          recovered: { cls: 'warning', runs: 2, since: '2026-11-26T01:00:00Z', durationMs: 3_600_000, threadTs: '1.2' },
          duration: { ms: 120_000, medianMs: 60_000, runs: 5, ratio: 2, unusual: true },
        },
      },
      { sessionId: '52', cls: 'success', durationMs: null, endedAt: '2026-11-28T01:10:00Z', facts: null },
    ],
    lastSuccess: { at: '2026-11-27T01:17:00Z', sessionId: '51' },
    successesInRow: 0,
    open: {
      since: '2026-11-28T01:10:00Z',
      sessionId: '52',
      runs: 2,
      failures: 2,
      cls: 'failure',
      classRuns: 2,
      threadTs: '1700000000.000100',
    },
  };
}

const read = (value: unknown) => PolicyHistorySchema.safeParse(JSON.parse(JSON.stringify(value)));

describe('a stored policy memory read back through PolicyHistorySchema', () => {
  it('comes back field for field, nested facts and the open problem runs included', () => {
    const stored = fullHistory();
    const parsed = read(stored);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(stored);
  });

  it.each(['success', 'warning', 'failure', 'other'] as const)('keeps a run of class %j', (cls) => {
    const stored = fullHistory();
    const first = stored.runs[0];
    if (!first) throw new Error('fixture has runs');
    const history = { ...stored, runs: [{ ...first, cls }] };
    expect(read(history).data?.runs[0]?.cls).toBe(cls);
  });

  it('refuses a run whose class is a word the memory does not know', () => {
    const stored = fullHistory();
    const history = { ...stored, runs: [{ ...stored.runs[1], cls: 'Success' }] };
    expect(read(history).success).toBe(false);
  });

  it.each(['failure', 'warning'] as const)('keeps a streak of class %j', (cls) => {
    const stored = fullHistory();
    const first = stored.runs[0];
    if (!first?.facts?.streak) throw new Error('fixture has a streak');
    const facts = { ...first.facts, streak: { ...first.facts.streak, cls } };
    expect(read({ ...stored, runs: [{ ...first, facts }] }).data?.runs[0]?.facts?.streak?.cls).toBe(cls);
  });

  it.each(['failure', 'warning', 'problem'] as const)('keeps a recovery from %j runs', (cls) => {
    const stored = fullHistory();
    const first = stored.runs[0];
    if (!first?.facts?.recovered) throw new Error('fixture has a recovery');
    const facts = { ...first.facts, recovered: { ...first.facts.recovered, cls } };
    expect(read({ ...stored, runs: [{ ...first, facts }] }).data?.runs[0]?.facts?.recovered?.cls).toBe(cls);
  });

  it.each(['failure', 'warning'] as const)('keeps open problem runs of class %j', (cls) => {
    const stored = fullHistory();
    if (!stored.open) throw new Error('fixture has open runs');
    expect(read({ ...stored, open: { ...stored.open, cls } }).data?.open?.cls).toBe(cls);
  });

  it('refuses open problem runs of class "success" (only problems stay open)', () => {
    const stored = fullHistory();
    expect(read({ ...stored, open: { ...stored.open, cls: 'success' } }).success).toBe(false);
  });

  it.each([
    ['a run without its end time', (h: PolicyHistory) => ({ ...h, runs: [{ ...h.runs[1], endedAt: undefined }] })],
    ['a last success without its session ID', (h: PolicyHistory) => ({ ...h, lastSuccess: { at: h.lastSuccess?.at } })],
    ['open runs without their count', (h: PolicyHistory) => ({ ...h, open: { ...h.open, runs: undefined } })],
    [
      'facts without the change flag',
      (h: PolicyHistory) => ({ ...h, runs: [{ ...h.runs[0], facts: { ...h.runs[0]?.facts, change: undefined } }] }),
    ],
    [
      'a streak without its count',
      (h: PolicyHistory) => ({
        ...h,
        runs: [{ ...h.runs[0], facts: { ...h.runs[0]?.facts, streak: { ...h.runs[0]?.facts?.streak, count: '2' } } }],
      }),
    ],
    [
      'an "after" with a class the memory does not know',
      (h: PolicyHistory) => ({
        ...h,
        runs: [{ ...h.runs[0], facts: { ...h.runs[0]?.facts, after: { cls: 'succeeded', count: 4 } } }],
      }),
    ],
    [
      'a duration fact without its median',
      (h: PolicyHistory) => ({
        ...h,
        runs: [
          {
            ...h.runs[0],
            facts: { ...h.runs[0]?.facts, duration: { ...h.runs[0]?.facts?.duration, medianMs: undefined } },
          },
        ],
      }),
    ],
  ])('refuses %s', (_name, spoil) => {
    expect(read(spoil(fullHistory())).success).toBe(false);
  });
});

describe('a job session answer parsed through JobSessionSchema', () => {
  it('refuses a session without a status, naming the field', () => {
    const parsed = JobSessionSchema.safeParse({ id: '77', executionStartTime: '2026-11-25T02:00:00Z' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([['status']]);
  });

  it('refuses a policy name that is not text, naming the nested field', () => {
    const parsed = JobSessionSchema.safeParse({ status: 'Error', backupJobInfo: { policyName: 42 } });
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([['backupJobInfo', 'policyName']]);
  });

  it('refuses a processed size written as text, naming the nested field', () => {
    const parsed = JobSessionSchema.safeParse({ status: 'Success', progress: { processedSize: '120 GB' } });
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([['progress', 'processedSize']]);
  });

  it('refuses a page whose session lacks a status, and a page whose total is text', () => {
    const missing = JobSessionPageSchema.safeParse({ results: [{ id: '1', status: 'Success' }, { id: '2' }] });
    expect(missing.error?.issues.map((issue) => issue.path)).toEqual([['results', 1, 'status']]);
    const total = JobSessionPageSchema.safeParse({ totalCount: '250', results: [] });
    expect(total.error?.issues.map((issue) => issue.path)).toEqual([['totalCount']]);
  });
});

describe('a session log answer parsed through SessionLogSchema', () => {
  it('refuses a log that is not a list, and a log entry without a status', () => {
    expect(SessionLogSchema.safeParse({ jobSessionId: '38', log: 'none' }).success).toBe(false);
    const entry = SessionLogSchema.safeParse({ jobSessionId: '38', log: [{ message: 'Backup started' }] });
    expect(entry.error?.issues.map((issue) => issue.path)).toEqual([['log', 0, 'status']]);
  });
});

describe('the appliance failure words (FailureSchema)', () => {
  it.each([
    'not-found',
    'forbidden',
    'unauthorized',
    'bad-request',
    'invalid-response',
    'too-large',
    'auth-failed',
    'unavailable',
    'timeout',
    'budget-exhausted',
  ])('accepts %j', (word) => {
    expect(FailureSchema.safeParse(word).data).toBe(word);
  });

  it('refuses a word outside the vocabulary, and the empty word', () => {
    expect(FailureSchema.safeParse('server-error').success).toBe(false);
    expect(FailureSchema.safeParse('').success).toBe(false);
  });
});
