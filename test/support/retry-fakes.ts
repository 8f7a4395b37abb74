import type { RetryOptions } from '../../src/http/retry.ts';

export const NOW = Date.parse('2026-01-10T12:00:00Z');

/** A fake clock shared by the deadline and the sleeps, so tests take no real time. */
export function fakeTime(budgetMs: number) {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    elapsed: () => t,
    deadline: { remainingMs: () => budgetMs - t },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    spend: (ms: number) => {
      t += ms;
    },
  };
}

export class Transient extends Error {
  constructor(readonly retryAfter?: string) {
    super('transient');
  }
}

export const classify: RetryOptions['classify'] = (error) =>
  error instanceof Transient ? { transient: true, retryAfter: error.retryAfter } : { transient: false };

export const budgetError = new Error('no budget');

export function options(time: ReturnType<typeof fakeTime>, extra: Partial<RetryOptions> = {}): RetryOptions {
  return {
    deadline: time.deadline,
    classify,
    onBudgetExhausted: () => budgetError,
    sleep: time.sleep,
    random: () => 0.5,
    now: () => NOW,
    ...extra,
  };
}
