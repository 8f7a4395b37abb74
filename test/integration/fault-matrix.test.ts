import { afterEach, describe, expect, it } from 'vitest';
import { NotifierError } from '../../src/errors.ts';
import {
  exposedText,
  FAULT_ROWS,
  FAULT_SESSION,
  type FaultRow,
  logLines,
  secretsOf,
  TOKEN_SHAPE,
} from '../support/fault-matrix.ts';
import { type Harness, startHarness } from '../support/harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function run(row: FaultRow) {
  harness = await startHarness(row.env ?? {});
  const h = harness;
  row.arrange?.(h);
  const started = Date.now();
  const outcome = await h.invoke({ sessionId: FAULT_SESSION }, row.budgetMs).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { h, outcome, durationMs: Date.now() - started };
}

describe('fault matrix', () => {
  it.each(FAULT_ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const { h, outcome, durationMs } = await run(row);

    // What is returned or thrown.
    if (row.thrown) {
      expect(outcome.ok).toBe(false);
      const error = outcome.ok ? undefined : outcome.error;
      expect(error).toBeInstanceOf(NotifierError);
      expect((error as NotifierError).name).toBe(row.thrown.name);
      expect((error as NotifierError).code).toBe(row.thrown.code);
      expect((error as NotifierError).retryable).toBe(row.thrown.retryable);
      expect((error as Error).message).toMatch(row.thrown.message);
    } else {
      expect(outcome).toMatchObject({ ok: true, value: { sessionId: FAULT_SESSION, ...row.result } });
    }

    // What is posted: accepted messages, and every request including retries.
    const accepted = (name: 'slack' | 'teams') => row.posted[name];
    for (const name of ['slack', 'teams'] as const) {
      const expected = row.requests?.[name] ?? accepted(name);
      expect(h.sink.postsTo(name), name).toHaveLength(expected);
      if (row.says && accepted(name) > 0) expect(h.sink.postsTo(name).at(-1)?.body).toMatch(row.says);
    }
    if (row.requests?.log !== undefined) expect(h.emulator.requestsTo('log')).toHaveLength(row.requests.log);
    if (row.requests?.token !== undefined) expect(h.emulator.requestsTo('token')).toHaveLength(row.requests.token);
    if (row.minDurationMs !== undefined) expect(durationMs).toBeGreaterThanOrEqual(row.minDurationMs);

    // What is logged: the expected lines, each carrying the session, trigger and request ID; one summary line.
    const lines = logLines(h);
    for (const message of row.logs) expect(lines.map((l) => l.message)).toContain(message);
    for (const line of lines) {
      expect(line).toMatchObject({ sessionId: FAULT_SESSION, trigger: 'direct', requestId: 'req-1' });
    }
    const summaries = lines.filter((l) => l.message === 'notification sent' || l.message === 'notification failed');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toHaveProperty('attempts');
    expect(summaries[0]).toHaveProperty('durationMs');
    if (!outcome.ok) {
      // The failure line names the session (key above) and the last cause.
      const logged = summaries[0]?.error as { message?: string } | undefined;
      expect(logged?.message).toBe((outcome.error as Error).message);
    }

    // No secret reaches a log line or an error.
    const text = exposedText(h, outcome.ok ? undefined : outcome.error);
    for (const secret of secretsOf(h)) expect(text).not.toContain(secret);
    expect(text).not.toMatch(TOKEN_SHAPE);
  });
});
