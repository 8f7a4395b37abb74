import { describe, expect, it } from 'vitest';
import { SourceApiError } from '../../src/errors.ts';
import { measuredSource } from '../../src/measured.ts';
import { createMetrics } from '../../src/metrics.ts';
import type { SessionLogSource } from '../../src/ports.ts';

const deadline = { remainingMs: () => 10_000 };

/** A source whose log read fails, with every optional member set, written as a class with private state. */
class FailingSource implements SessionLogSource {
  readonly note = 'no log endpoint';
  #reads = 0;
  async readLog<T>(): Promise<T> {
    this.#reads++;
    throw new SourceApiError('timeout', `read ${this.#reads} timed out`, { retryable: true });
  }
  async getObjectResults() {
    return { total: this.#reads, failed: 0, warning: 0, objects: [] } as never;
  }
}

describe('measuredSource', () => {
  it('counts a failed log read by kind and keeps every other member of the source working', async () => {
    const lines: string[] = [];
    const source = measuredSource(new FailingSource(), createMetrics({ write: (line) => lines.push(line) }));

    await expect(source.readLog('38', deadline, () => ({}) as never)).rejects.toThrow('read 1 timed out');

    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ kind: 'timeout', ApplianceReadFailures: 1 });
    expect(source.note).toBe('no log endpoint');
    expect(await source.getObjectResults?.('38', deadline)).toMatchObject({ total: 1 });
  });
});
