import { describe, expect, it } from 'vitest';
import { EMPTY_HISTORY, MAX_RUNS_KEPT, type PolicyHistory, type RunClass } from '../../../src/core/history/model.ts';
import { type FinishedRun, memoryOf, recordRun, withThread } from '../../../src/core/history/record.ts';

const OPTIONS = { factor: 3, minRuns: 2 };
const at = (hour: number) => new Date(Date.UTC(2026, 10, 1, hour)).toISOString();
const finished = (id: string, cls: RunClass, hour: number, durationMs: number | null = 600_000): FinishedRun => ({
  sessionId: id,
  cls,
  durationMs,
  endedAt: at(hour),
});

/** Records runs in order and returns the memory after them. */
function recordAll(runs: FinishedRun[], start: PolicyHistory = EMPTY_HISTORY): PolicyHistory {
  return runs.reduce((history, run) => recordRun(history, run, OPTIONS).history, start);
}

describe('recordRun: the open problem runs', () => {
  it('opens problem runs on a warning, counts failures separately, and closes them on a success', () => {
    const afterWarning = recordAll([finished('1', 'success', 1), finished('2', 'warning', 2)]);
    expect(afterWarning.open).toEqual({
      since: at(2),
      sessionId: '2',
      runs: 1,
      failures: 0,
      cls: 'warning',
      classRuns: 1,
      threadTs: null,
    });
    expect(afterWarning.successesInRow).toBe(0);
    expect(afterWarning.lastSuccess).toEqual({ at: at(1), sessionId: '1' });

    const afterFailures = recordAll([finished('3', 'failure', 3), finished('4', 'failure', 4)], afterWarning);
    expect(afterFailures.open).toMatchObject({
      since: at(2),
      sessionId: '2',
      runs: 3,
      failures: 2,
      cls: 'failure',
      classRuns: 2,
    });

    const afterSuccess = recordAll([finished('5', 'success', 5)], afterFailures);
    expect(afterSuccess.open).toBeNull();
    expect(afterSuccess.successesInRow).toBe(1);
    expect(afterSuccess.lastSuccess).toEqual({ at: at(5), sessionId: '5' });
  });

  it('leaves the open runs and the success count alone on a canceled run', () => {
    const open = recordAll([finished('1', 'failure', 1)]);
    const after = recordAll([finished('2', 'other', 2)], open);
    expect(after.open).toEqual(open.open);
    expect(after.runs.map((r) => r.sessionId)).toEqual(['2', '1']);
    const successes = recordAll([finished('1', 'success', 1), finished('2', 'other', 2)]);
    expect(successes.successesInRow).toBe(1);
    expect(successes.lastSuccess?.sessionId).toBe('1');
  });
});

describe('recordRun: what each message says', () => {
  it('says nothing for the first run on record', () => {
    const recorded = recordRun(EMPTY_HISTORY, finished('1', 'failure', 1), OPTIONS);
    expect(recorded.run.facts).toBeNull();
    expect(recorded.changed).toBe(true);
  });

  it('names the first failure after successes, then counts the streak from the first problem', () => {
    const history = recordAll([finished('1', 'success', 1), finished('2', 'success', 2)]);
    const first = recordRun(history, finished('3', 'failure', 3), OPTIONS);
    expect(first.run.facts).toEqual({
      change: true,
      streak: { cls: 'failure', count: 1, since: at(3), lastSuccessAt: at(2) },
      after: { cls: 'success', count: 2 },
      recovered: null,
      duration: null,
    });
    const second = recordRun(first.history, finished('4', 'failure', 4), OPTIONS);
    expect(second.run.facts).toMatchObject({
      change: false,
      streak: { cls: 'failure', count: 2, since: at(3), lastSuccessAt: at(2) },
      after: null,
    });
  });

  it('says a failure follows warnings, counting the warnings, and the streak starts over for the new class', () => {
    const history = recordAll([finished('1', 'success', 1), finished('2', 'warning', 2), finished('3', 'warning', 3)]);
    const failure = recordRun(history, finished('4', 'failure', 4), OPTIONS);
    expect(failure.run.facts).toMatchObject({
      change: true,
      streak: { cls: 'failure', count: 1, since: at(2) },
      after: { cls: 'warning', count: 2 },
    });
  });

  it('has no "after" for a first problem with no success before it', () => {
    const history = recordAll([finished('1', 'other', 1)]);
    expect(recordRun(history, finished('2', 'failure', 2), OPTIONS).run.facts).toMatchObject({
      change: true,
      after: null,
      streak: { count: 1, lastSuccessAt: null },
    });
  });

  it('reports a recovery by the kind of problem runs it ends: failures, warnings, or a mix', () => {
    const recovery = (classes: RunClass[]) => {
      const runs = classes.map((cls, i) => finished(String(i + 2), cls, i + 2));
      const history = recordAll([finished('1', 'success', 1), ...runs]);
      return recordRun(history, finished('9', 'success', 9), OPTIONS).run.facts;
    };
    expect(recovery(['failure', 'failure'])).toMatchObject({
      change: true,
      recovered: { cls: 'failure', runs: 2, since: at(2), durationMs: 7 * 3_600_000, threadTs: null },
    });
    expect(recovery(['warning'])?.recovered).toMatchObject({ cls: 'warning', runs: 1 });
    expect(recovery(['warning', 'failure'])?.recovered).toMatchObject({ cls: 'problem', runs: 2 });
  });

  it('is no change for a success after successes, or after only canceled runs', () => {
    const history = recordAll([finished('1', 'success', 1)]);
    expect(recordRun(history, finished('2', 'success', 2), OPTIONS).run.facts).toMatchObject({
      change: false,
      recovered: null,
    });
    const canceled = recordAll([finished('1', 'other', 1), finished('2', 'other', 2)]);
    expect(recordRun(canceled, finished('3', 'success', 3), OPTIONS).run.facts?.change).toBe(false);
  });

  it('calls a canceled run a change only after a run that was not canceled', () => {
    const afterSuccess = recordAll([finished('1', 'success', 1)]);
    expect(recordRun(afterSuccess, finished('2', 'other', 2), OPTIONS).run.facts?.change).toBe(true);
    const afterCanceled = recordAll([finished('1', 'other', 1)]);
    expect(recordRun(afterCanceled, finished('2', 'other', 2), OPTIONS).run.facts?.change).toBe(false);
  });

  it('compares a success with the median of earlier successes, and never a failure', () => {
    const history = recordAll([finished('1', 'success', 1, 100_000), finished('2', 'success', 2, 100_000)]);
    expect(recordRun(history, finished('3', 'success', 3, 400_000), OPTIONS).run.facts?.duration).toEqual({
      ms: 400_000,
      medianMs: 100_000,
      runs: 2,
      ratio: 4,
      unusual: true,
    });
    expect(recordRun(history, finished('3', 'failure', 3, 400_000), OPTIONS).run.facts?.duration).toBeNull();
  });
});

describe('recordRun: redelivered and late sessions', () => {
  it('changes nothing for a session already kept and returns its stored facts', () => {
    const history = recordAll([finished('1', 'success', 1), finished('2', 'failure', 2)]);
    const again = recordRun(history, finished('2', 'failure', 2), OPTIONS);
    expect(again.changed).toBe(false);
    expect(again.history).toBe(history);
    expect(again.run).toBe(history.runs[0]);
  });

  it('files a late session by its end time without touching the streak, the last success or the open runs', () => {
    const history = recordAll([finished('1', 'success', 1, 100_000), finished('3', 'failure', 3)]);
    const late = recordRun(history, finished('2', 'success', 2, 100_000), OPTIONS);
    expect(late.changed).toBe(true);
    expect(late.history.runs.map((r) => r.sessionId)).toEqual(['3', '2', '1']);
    expect(late.history.open).toEqual(history.open);
    expect(late.history.lastSuccess).toEqual(history.lastSuccess);
    expect(late.run.facts).toEqual({ change: false, streak: null, after: null, recovered: null, duration: null });
  });

  it('files a late session that ended at the same time as a kept run after it, and compares it with older runs only', () => {
    const history = recordAll([
      finished('1', 'success', 1, 100_000),
      finished('2', 'success', 2, 100_000),
      finished('4', 'success', 4, 900_000),
    ]);
    const late = recordRun(history, finished('3', 'success', 2, 300_000), OPTIONS);
    expect(late.history.runs.map((r) => r.sessionId)).toEqual(['4', '3', '2', '1']);
    expect(late.run.facts?.duration).toMatchObject({ medianMs: 100_000, ratio: 3, unusual: true });
    expect(recordRun(history, finished('3', 'failure', 2, 300_000), OPTIONS).run.facts?.duration).toBeNull();
  });

  it(`ignores a session older than every run kept once ${MAX_RUNS_KEPT} are kept, and keeps one older than the oldest before that`, () => {
    const full = recordAll(Array.from({ length: MAX_RUNS_KEPT }, (_, i) => finished(String(i), 'success', 10 + i)));
    const ignored = recordRun(full, finished('old', 'success', 1), OPTIONS);
    expect(ignored.changed).toBe(false);
    expect(ignored.history).toBe(full);

    const atOldest = recordRun(full, finished('tie', 'success', 10), OPTIONS);
    expect(atOldest.changed).toBe(true);
    expect(atOldest.history.runs).toHaveLength(MAX_RUNS_KEPT);

    const notFull = recordAll(
      Array.from({ length: MAX_RUNS_KEPT - 1 }, (_, i) => finished(String(i), 'success', 10 + i)),
    );
    const kept = recordRun(notFull, finished('old', 'success', 1), OPTIONS);
    expect(kept.changed).toBe(true);
    expect(kept.history.runs.at(-1)?.sessionId).toBe('old');
  });

  it(`keeps at most ${MAX_RUNS_KEPT} runs, newest first`, () => {
    const history = recordAll(Array.from({ length: MAX_RUNS_KEPT + 3 }, (_, i) => finished(String(i), 'success', i)));
    expect(history.runs).toHaveLength(MAX_RUNS_KEPT);
    expect(history.runs[0]?.sessionId).toBe(String(MAX_RUNS_KEPT + 2));
    expect(history.successesInRow).toBe(MAX_RUNS_KEPT + 3);
  });
});

describe('withThread and memoryOf', () => {
  it('keeps the first thread of the open runs it names, and nothing for other or closed runs', () => {
    const open = recordAll([finished('1', 'failure', 1)]);
    const threaded = withThread(open, at(1), '111.1');
    expect(threaded?.open?.threadTs).toBe('111.1');
    expect(threaded && withThread(threaded, at(1), '222.2')).toBeNull();
    expect(withThread(open, at(2), '111.1')).toBeNull();
    expect(withThread(EMPTY_HISTORY, at(1), '111.1')).toBeNull();
  });

  it('hands the thread to a problem run inside the open runs, never to a success or an earlier run', () => {
    const open = withThread(recordAll([finished('1', 'failure', 1), finished('2', 'failure', 2)]), at(1), '111.1');
    if (open === null) throw new Error('no open runs');
    const key = { appliance: 'default', policy: 'P' };
    const inside = open.runs[0];
    if (inside === undefined) throw new Error('no run');
    expect(memoryOf(key, open, inside).thread).toEqual({ ts: '111.1', since: at(1), runs: 2 });
    const startRun = { ...inside, endedAt: at(1) };
    expect(memoryOf(key, open, startRun).thread).toEqual({ ts: '111.1', since: at(1), runs: 2 });
    expect(memoryOf(key, open, { ...inside, endedAt: at(0) }).thread).toBeNull();
    expect(memoryOf(key, open, { ...inside, cls: 'success' }).thread).toBeNull();
    expect(memoryOf(key, open, { ...inside, cls: 'warning' }).thread).not.toBeNull();
    expect(memoryOf(key, open, { ...inside, cls: 'other' }).thread).toBeNull();
    expect(memoryOf(key, EMPTY_HISTORY, inside)).toEqual({ key, endedAt: at(2), facts: inside.facts, thread: null });
  });
});
