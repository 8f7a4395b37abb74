import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { createLogStreamParser, LogShapeError, LogSyntaxError } from '../../../src/appliance/log-stream.ts';
import { type LogItem, SessionLogSchema } from '../../../src/core/session-log.ts';
import { thrown } from '../../support/thrown.ts';

const MIB = 1024 * 1024;

interface Read {
  readonly items: LogItem[];
  readonly chars: number[];
  readonly jobSessionId: string | null;
}

/** Feeds `chunks` to a fresh parser and ends it; the entries, the length reported with each, and the session ID. */
function read(chunks: readonly (Buffer | string)[]): Read {
  const items: LogItem[] = [];
  const chars: number[] = [];
  const parser = createLogStreamParser((item, length) => {
    items.push(item);
    chars.push(length);
  });
  for (const chunk of chunks) parser.write(chunk);
  return { items, chars, jobSessionId: parser.end().jobSessionId };
}

/** Which call threw: a write (the reader refused while reading) or end() (it refused once it had it all). */
function failure(chunks: readonly string[]): { readonly during: 'write' | 'end'; readonly error: unknown } {
  const parser = createLogStreamParser(() => {});
  try {
    for (const chunk of chunks) parser.write(chunk);
  } catch (error) {
    return { during: 'write', error };
  }
  try {
    parser.end();
  } catch (error) {
    return { during: 'end', error };
  }
  throw new Error('expected the parser to fail');
}

/** `text` in pieces of `size` characters. */
function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; at += size) out.push(text.slice(at, at + size));
  return out;
}

describe('log stream reader across chunks', () => {
  it.each([
    ['a session ID string', '{"jobSessionId":"12345" "log":[]}'],
    ['a session ID number', '{"jobSessionId":12345 x}'],
    ['a field name', '{"jobSessionId" "log":[]}'],
    ['an entry', '{"log":[{"status":"abc","message":"d\\"e"} {"status":"b"}]}'],
  ])('names the same character for a syntax error after %s, however the body is split', (_name, body) => {
    const whole = thrown(() => read([body]), LogSyntaxError).message;
    expect(whole).toMatch(/^malformed JSON at character \d+: /);
    for (let cut = 1; cut < body.length; cut++) {
      const split = thrown(() => read([body.slice(0, cut), body.slice(cut)]), LogSyntaxError).message;
      expect(split, `cut at ${cut}`).toBe(whole);
    }
  });

  it('reports each entry read within one chunk at an equal share of their text, separators included', () => {
    const body = '{"log":[{"status":"a"}, {"status":"bb"}]}';

    const { items, chars } = read([body]);

    expect(items).toEqual([{ status: 'a' }, { status: 'bb' }]);
    expect(chars).toEqual([15.5, 15.5]);
    expect(chars.reduce((sum, n) => sum + n, 0)).toBe('{"status":"a"}, {"status":"bb"}'.length);
  });

  it('reports an entry split across chunks at its own length', () => {
    const body = '{"log":[{"status":"a"}, {"status":"bb"}]}';

    const { chars } = read([body.slice(0, 30), body.slice(30)]);

    expect(chars).toEqual(['{"status":"a"}'.length, '{"status":"bb"}'.length]);
  });

  it('hands on each entry with its fields in the order the appliance sent them', () => {
    const body = '{"log":[{"message":"m","id":"e1","status":"Success","logTime":null}]}';

    const { items } = read([body]);

    expect(Object.keys(items[0] ?? {})).toEqual(['message', 'id', 'status', 'logTime']);
    expect(JSON.stringify(items[0])).toBe('{"message":"m","id":"e1","status":"Success","logTime":null}');
  });

  it('reads the same entries as JSON.parse when string and byte chunks split characters anywhere', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    const entry = fc.record({ status: text, message: fc.option(text, { nil: null }), n: fc.double({ noNaN: true }) });
    const body = fc.record({ jobSessionId: fc.oneof(text, fc.integer()), log: fc.array(entry, { maxLength: 6 }) });
    fc.assert(
      fc.property(body, fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (value, cuts, asBytes) => {
        const json = JSON.stringify(value);
        // Cuts in bytes for Buffer chunks, in UTF-16 units for string chunks (they may split a surrogate pair).
        const whole: Buffer | string = asBytes ? Buffer.from(json) : json;
        const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((from, k) => whole.slice(from, points[k] ?? whole.length));
        const expected = SessionLogSchema.parse(JSON.parse(json));
        const got = read(chunks);
        expect(got.items).toEqual(expected.log);
        expect(got.jobSessionId).toBe(String(expected.jobSessionId));
      }),
      { numRuns: 300 },
    );
  });
});

describe('log stream reader bounds', () => {
  it('holds a document that is not an object up to exactly 1 MiB, leading spaces not counted, then says what it is', () => {
    const body = `  "${'x'.repeat(MIB - 2)}"`;

    const { during, error } = failure(pieces(body, 65_536));

    expect(during).toBe('end');
    expect(error).toBeInstanceOf(LogShapeError);
    expect((error as Error).message).toBe('the body is not a session log object');
    expect((error as Error).cause).toBeInstanceOf(z.core.$ZodError);
  });

  it('refuses a document that is not an object while reading, once one character past 1 MiB is held', () => {
    const body = `  "${'x'.repeat(MIB - 1)}"`;

    const { during, error } = failure(pieces(body, 65_536));

    expect(during).toBe('write');
    expect(error).toBeInstanceOf(LogShapeError);
    expect((error as Error).message).toBe('the body is not a session log object');
    expect((error as Error).cause).toBeUndefined();
  });

  it('reads an entry nested exactly 64 levels deep', () => {
    const entry = `{"status":"a","x":${'['.repeat(63)}${']'.repeat(63)}}`;

    expect(read([`{"log":[${entry}]}`]).items).toEqual([JSON.parse(entry)]);
  });

  it('refuses an entry nested 65 levels deep, naming the bound', () => {
    const entry = `{"status":"a","x":${'['.repeat(64)}${']'.repeat(64)}}`;

    const error = thrown(() => read([`{"log":[${entry}]}`]), LogShapeError);

    expect(error.message).toBe('a value in the log is nested more than 64 levels deep');
  });

  it('reads an entry of which exactly 8 MiB came before its last chunk', () => {
    const head = '{"status":"Error","message":"';
    const first = `{"log":[${head}${'x'.repeat(8 * MIB - head.length)}`;

    const { items } = read([first, 'y"}]}']);

    expect(items).toHaveLength(1);
    expect(items[0]?.message).toHaveLength(8 * MIB - head.length + 1);
    expect(items[0]?.message?.endsWith('xy')).toBe(true);
  });

  it('refuses an entry of which one character more than 8 MiB came before its last chunk', () => {
    const head = '{"status":"Error","message":"';
    const first = `{"log":[${head}${'x'.repeat(8 * MIB - head.length + 1)}`;

    const { during, error } = failure([first, 'y"}]}']);

    expect(during).toBe('write');
    expect(error).toBeInstanceOf(LogShapeError);
    expect((error as Error).message).toBe('a log entry is larger than 8 MB');
  });
});
