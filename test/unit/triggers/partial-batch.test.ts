import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { partialBatch } from '../../../src/triggers/partial-batch.ts';

const record = (messageId: string): SQSRecord => ({ messageId, body: '{}' }) as SQSRecord;

describe('partialBatch', () => {
  it('lists exactly the records whose processing threw, in order, after processing every record once', async () => {
    const seen: string[] = [];
    const answer = await partialBatch([record('a'), record('b'), record('c'), record('d')], async (r) => {
      seen.push(r.messageId);
      if (r.messageId === 'b' || r.messageId === 'd') throw new Error('transient');
    });

    expect(seen).toEqual(['a', 'b', 'c', 'd']);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }, { itemIdentifier: 'd' }] });
  });

  it('processes one record at a time, so each log line belongs to one session', async () => {
    let running = 0;
    let most = 0;
    await partialBatch([record('a'), record('b'), record('c')], async () => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    });

    expect(most).toBe(1);
  });

  it('answers an empty failure list when every record succeeds', async () => {
    expect(await partialBatch([record('a')], async () => undefined)).toEqual({ batchItemFailures: [] });
  });
});
