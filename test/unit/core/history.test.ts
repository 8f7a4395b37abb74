import { describe, expect, it } from 'vitest';
import { median, sparkline } from '../../../src/core/history/baseline.ts';
import { changesSkip } from '../../../src/core/history/decide.ts';
import { formatAgo, formatSpan, memoryLines, ordinal } from '../../../src/core/history/lines.ts';
import { EMPTY_HISTORY, type PolicyHistory } from '../../../src/core/history/model.ts';
import { type FinishedRun, memoryOf, recordRun, withThread } from '../../../src/core/history/record.ts';

const key = { appliance: 'default', policy: 'Nightly' };
const MIN = 60_000;
const plain = (iso: string) => iso;
const options = { factor: 3, minRuns: 3 };

/** One run a day at 01:00 UTC from Nov 24, with the given class and duration in minutes. */
function day(n: number, cls: FinishedRun['cls'], minutes: number): FinishedRun {
  const end = Date.UTC(2026, 10, 24 + n, 1, 0) + minutes * MIN;
  return { sessionId: `s${n}`, cls, durationMs: minutes * MIN, endedAt: new Date(end).toISOString() };
}

/** Records the runs in order and returns each message's memory lines. */
function play(runs: readonly FinishedRun[], start: PolicyHistory = EMPTY_HISTORY) {
  let history = start;
  const said: string[][] = [];
  for (const finished of runs) {
    const recorded = recordRun(history, finished, options);
    history = recorded.history;
    said.push(memoryLines(memoryOf(key, history, recorded.run), plain));
  }
  return { history, said };
}

const SEQUENCE = [
  day(0, 'success', 30),
  day(1, 'success', 31),
  day(2, 'success', 29),
  day(3, 'failure', 5),
  day(4, 'failure', 6),
  day(5, 'success', 130),
];

describe('policy history', () => {
  describe('when a policy fails twice after three successes and then recovers slowly', () => {
    it('says nothing, then the first failure, the second in a row, and the recovery with its unusual duration', () => {
      const { said } = play(SEQUENCE);
      expect(said).toEqual([
        [],
        [],
        [],
        ['first failure after 3 successes'],
        ['2nd failure in a row — last success 2026-11-26T01:29:00.000Z (1 day ago)'],
        ['✅ Recovered after 2 failures (2 days 2 h)', 'Took 2h 10m — 4.3× its median of 30m over the last 3 runs'],
      ]);
    });

    it('keeps the last success and closes the open problem runs', () => {
      const { history } = play(SEQUENCE);
      expect(history.lastSuccess?.sessionId).toBe('s5');
      expect(history.open).toBeNull();
      expect(history.runs.map((r) => r.sessionId)).toEqual(['s5', 's4', 's3', 's2', 's1', 's0']);
    });
  });

  describe('when a session is recorded again', () => {
    it('changes nothing and returns the facts it had the first time', () => {
      const { history } = play(SEQUENCE.slice(0, 5));
      for (const again of SEQUENCE.slice(0, 5)) {
        const recorded = recordRun(history, again, options);
        expect(recorded.changed).toBe(false);
        expect(recorded.history).toBe(history);
      }
      expect(recordRun(history, day(4, 'failure', 6), options).run.facts?.streak?.count).toBe(2);
    });
  });

  describe('when a late session arrives after newer ones', () => {
    it('joins the runs without touching the streak or the last success', () => {
      const { history } = play([day(0, 'success', 30), day(2, 'failure', 5), day(3, 'failure', 5)]);
      const late = recordRun(history, day(1, 'success', 30), options);
      expect(late.changed).toBe(true);
      expect(late.history.open).toEqual(history.open);
      expect(late.history.lastSuccess).toEqual(history.lastSuccess);
      expect(late.history.runs.map((r) => r.sessionId)).toEqual(['s3', 's2', 's1', 's0']);
      expect(late.run.facts?.change).toBe(false);
    });
  });

  describe('duration baseline', () => {
    it('needs the minimum number of earlier successful runs', () => {
      const few = recordRun(play(SEQUENCE.slice(0, 2)).history, day(2, 'success', 300), options);
      expect(few.run.facts?.duration).toBeNull();
    });

    it('flags a run that finished in a third of the median or less', () => {
      const fast = recordRun(play(SEQUENCE.slice(0, 3)).history, day(3, 'success', 8), options);
      expect(fast.run.facts?.duration).toMatchObject({ unusual: true, medianMs: 30 * MIN });
      expect(memoryLines(memoryOf(key, fast.history, fast.run), plain)).toEqual([
        'Took 8m — 0.27× its median of 30m over the last 3 runs',
      ]);
    });

    it('leaves a run within the factor unremarked', () => {
      const usual = recordRun(play(SEQUENCE.slice(0, 3)).history, day(3, 'success', 80), options);
      expect(usual.run.facts?.duration?.unusual).toBe(false);
      expect(memoryLines(memoryOf(key, usual.history, usual.run), plain)).toEqual([]);
    });

    it('takes the median of an even count as the mean of the middle two', () => {
      expect(median([4, 1, 3, 2])).toBe(2.5);
    });
  });

  describe('warnings', () => {
    it('say "first warning after N failures" when failures turn into warnings, and recovery counts both', () => {
      const { said } = play([
        day(0, 'success', 30),
        day(1, 'failure', 5),
        day(2, 'warning', 30),
        day(3, 'success', 30),
      ]);
      expect(said[2]).toEqual(['first warning after 1 failure']);
      expect(said[3]?.[0]).toBe('✅ Recovered after 2 failed or warning runs (2 days)');
    });
  });

  describe('Slack thread of the open problem runs', () => {
    it('is kept once, by the first writer, and carried by later problem runs', () => {
      const first = play(SEQUENCE.slice(0, 4)).history;
      const since = first.open?.since ?? '';
      const threaded = withThread(first, since, '111.1');
      expect(threaded?.open?.threadTs).toBe('111.1');
      expect(threaded && withThread(threaded, since, '222.2')).toBeNull();
      const next = recordRun(threaded ?? first, SEQUENCE[4] as FinishedRun, options);
      expect(memoryOf(key, next.history, next.run).thread).toEqual({ ts: '111.1', since, runs: 2 });
      const recovered = recordRun(next.history, SEQUENCE[5] as FinishedRun, options);
      expect(recovered.run.facts?.recovered?.threadTs).toBe('111.1');
    });
  });
});

describe('changesSkip', () => {
  it('posts a change of class and an unusual duration, and stays quiet on a repeat', () => {
    const { history } = play(SEQUENCE.slice(0, 4));
    const change = memoryOf(key, history, history.runs[0] as PolicyHistory['runs'][number]);
    expect(changesSkip(change, false)).toBeUndefined();
    const repeat = recordRun(history, day(4, 'failure', 6), options);
    expect(changesSkip(memoryOf(key, repeat.history, repeat.run), false)).toBe(
      'nothing changed since the previous run',
    );
  });

  it('without history posts only what is not a success', () => {
    expect(changesSkip(undefined, true)).toBe('a success with no history to compare');
    expect(changesSkip(undefined, false)).toBeUndefined();
  });
});

describe('wording', () => {
  it('writes ordinals, spans and ages as people say them', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 112].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '112th',
    ]);
    expect(formatSpan(2 * 86_400_000 + 6 * 3_600_000 + 5 * MIN)).toBe('2 days 6 h');
    expect(formatSpan(90 * MIN)).toBe('1 h 30 min');
    expect(formatAgo(3 * 86_400_000 + 5 * 3_600_000)).toBe('3 days ago');
  });

  it('draws a duration trend from the shortest to the longest run', () => {
    expect(sparkline([30, 31, 29, null, 130])).toBe('▁▁▁ █');
    expect(sparkline([10, 10])).toBe('▁▁');
  });
});
