import { describe, expect, it } from 'vitest';
import { createLogStreamParser, LogShapeError } from '../../../src/appliance/log-stream.ts';
import type { LogItem } from '../../../src/core/session-log.ts';

const MIB = 1024 * 1024;

/** Feeds `chunks` (ASCII text) to a parser; the items it read and the session ID, or the error it threw. */
function read(chunks: readonly string[]): { items: LogItem[]; jobSessionId: string | null } | Error {
  const items: LogItem[] = [];
  const parser = createLogStreamParser((item) => items.push(item));
  try {
    for (const chunk of chunks) parser.write(Buffer.from(chunk));
    return { items, jobSessionId: parser.end().jobSessionId };
  } catch (error) {
    return error as Error;
  }
}

/**
 * A log body with an extra top-level string value: the first chunk ends after `carried` characters of that value (its
 * opening quote included), so the reader carries exactly that much to the next chunk.
 */
function carrying(carried: number): string[] {
  const head = '{"jobSessionId":"7","notes":';
  return [`${head}"${'x'.repeat(carried - 1)}`, 'tail","log":[{"status":"Success"}]}'];
}

describe('log stream reader memory guard (1 MiB per top-level value)', () => {
  it('reads a body whose extra top-level value carries exactly 1 MiB across chunks', () => {
    const result = read(carrying(MIB));
    expect(result).toEqual({ items: [{ status: 'Success' }], jobSessionId: '7' });
  });

  it('refuses the same body when the value carries one character more, naming the problem', () => {
    const result = read(carrying(MIB + 1));
    expect(result).toBeInstanceOf(LogShapeError);
    expect((result as Error).message).toContain('a top-level value is too large to be part of a session log');
  });

  it('refuses a body that is not an object once more than 1 MiB of it has been held', () => {
    const chunk = `[${'1,'.repeat(MIB / 4)}`;
    const result = read([chunk, '1,'.repeat(MIB / 4), '1,'.repeat(MIB / 4), '1]']);
    expect(result).toBeInstanceOf(LogShapeError);
    expect((result as Error).message).toContain('the body is not a session log object');
  });

  it('reads a non-object body up to 1 MiB and reports it as not a session log, not as too large', () => {
    const result = read([`[${'1,'.repeat(MIB / 4)}`, '1]']);
    expect(result).toBeInstanceOf(LogShapeError);
    expect((result as Error).message).not.toContain('too large');
  });

  it('still reads a single log entry larger than 1 MiB: entries are streamed, not held as top-level values', () => {
    const message = 'm'.repeat(2 * MIB);
    const body = `{"jobSessionId":"8","log":[{"status":"Error","message":"${message}"}]}`;
    const result = read([body.slice(0, MIB), body.slice(MIB, 2 * MIB), body.slice(2 * MIB)]);
    expect(result).not.toBeInstanceOf(Error);
    expect((result as { items: LogItem[] }).items[0]?.message).toHaveLength(2 * MIB);
  });
});
