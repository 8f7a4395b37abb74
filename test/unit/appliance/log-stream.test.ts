import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogStreamParser, LogShapeError, LogSyntaxError } from '../../../src/appliance/log-stream.ts';
import { isLogItem, type LogItem, LogItemSchema, SessionLogSchema } from '../../../src/core/session-log.ts';

interface Parsed {
  readonly items: LogItem[];
  readonly jobSessionId: string | null;
}

/** Feeds `body` to a parser in the given pieces (Buffers, so multi-byte characters can be split). */
function parseChunks(chunks: readonly Buffer[]): Parsed {
  const items: LogItem[] = [];
  const parser = createLogStreamParser((item) => items.push(item));
  for (const chunk of chunks) parser.write(chunk);
  return { items, jobSessionId: parser.end().jobSessionId };
}

function splitAt(body: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts)].filter((c) => c > 0 && c < body.length).sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(body.subarray(start, point));
    start = point;
  }
  chunks.push(body.subarray(start));
  return chunks;
}

/** What the whole-body reader made of the same text: the reference the streaming reader must match. */
function reference(text: string): Parsed {
  const log = SessionLogSchema.parse(JSON.parse(text));
  const id = log.jobSessionId;
  return { items: log.log ?? [], jobSessionId: id === null || id === undefined ? null : String(id) };
}

function errorOf(chunks: readonly Buffer[]): unknown {
  try {
    parseChunks(chunks);
  } catch (error) {
    return error;
  }
  throw new Error('expected the parser to fail');
}

const TRICKY = JSON.stringify({
  extra: { nested: [1, { log: ['not', 'the', 'log'] }], '}': ']"' },
  jobSessionId: 38,
  log: [
    {
      status: 'Error',
      message: 'quote " backslash \\ slash / brace } bracket ] newline \n tab \t \u0001 é 漢字 🎉',
      logTime: '2020-02-05T10:43:57Z',
      details: { inner: { deeper: [{ x: '}' }] } },
    },
    { status: 'Success', executionDuration: 1234, message: null },
    { status: 'Warning', message: '\\' },
    { status: 'Success', message: '\\"' },
  ],
  trailing: 'after the log',
});

describe('createLogStreamParser', () => {
  describe('with every fixture log', () => {
    const dir = new URL('../../support/fixtures/session-logs/', import.meta.url);
    for (const file of readdirSync(dir)) {
      it(`reads ${file} exactly as JSON.parse and SessionLogSchema do`, () => {
        const text = readFileSync(new URL(file, dir), 'utf8');
        expect(parseChunks([Buffer.from(text)])).toEqual(reference(text));
      });
    }
  });

  describe('when the body is split across chunks', () => {
    it('gives the same entries for a cut at every byte position', () => {
      const body = Buffer.from(TRICKY);
      const expected = reference(TRICKY);
      for (let cut = 1; cut < body.length; cut++) {
        expect(parseChunks(splitAt(body, [cut]))).toEqual(expected);
      }
    });

    it('gives the same entries when fed one byte at a time', () => {
      const body = Buffer.from(TRICKY);
      const bytes = Array.from({ length: body.length }, (_, i) => body.subarray(i, i + 1));
      expect(parseChunks(bytes)).toEqual(reference(TRICKY));
    });
  });

  describe('with the shapes the appliance may send', () => {
    it.each([
      ['a null log', '{"jobSessionId":"44","log":null}', { items: [], jobSessionId: '44' }],
      ['no log field', '{"jobSessionId":"45"}', { items: [], jobSessionId: '45' }],
      ['an empty log', ' { "log" : [ ] } ', { items: [], jobSessionId: null }],
      ['an empty object', '{}', { items: [], jobSessionId: null }],
      ['a numeric session ID after the log', '{"log":[],"jobSessionId":7}', { items: [], jobSessionId: '7' }],
      ['a key spelled with an escape', '{"\\u006cog":[{"status":"Success"}]}', { items: [{ status: 'Success' }] }],
    ])('reads %s', (_name, text, expected) => {
      expect(parseChunks([Buffer.from(text)])).toEqual({ jobSessionId: null, ...expected });
    });

    it('keeps extra fields of an entry, as the loose schema does', () => {
      const { items } = parseChunks([Buffer.from('{"log":[{"status":"Success","id":"a1","nested":{"b":[1]}}]}')]);
      expect(items).toEqual([{ status: 'Success', id: 'a1', nested: { b: [1] } }]);
    });
  });

  describe('when the body is malformed or cut short', () => {
    it.each([
      ['empty', ''],
      ['truncated inside an entry', '{"log":[{"status":"Succ'],
      ['truncated between entries', '{"log":[{"status":"Success"},'],
      ['truncated after the log', '{"log":[]'],
      ['truncated inside a top-level number', '{"jobSessionId":12'],
      ['a missing colon', '{"log" []}'],
      ['a missing comma between entries', '{"log":[{"status":"a"} {"status":"b"}]}'],
      ['a trailing comma', '{"log":[{"status":"a"},]}'],
      ['an unquoted key', '{log:[]}'],
      ['a bad literal', '{"jobSessionId":nul,"log":[]}'],
      ['a mismatched bracket inside an entry', '{"log":[{"status":"a","x":[1}}]}'],
      ['a raw newline inside a string', '{"log":[{"status":"a\nb"}]}'],
      ['a bad escape', '{"log":[{"status":"\\x"}]}'],
      ['text after the document', '{"log":[]} x'],
      ['a second document', '{"log":[]}{}'],
      ['not JSON at all', '<html>Sign in</html>'],
    ])('fails with a syntax error when %s', (_name, text) => {
      const error = errorOf(splitAt(Buffer.from(text), [3, 9]));
      expect(error).toBeInstanceOf(LogSyntaxError);
      expect(error).toBeInstanceOf(SyntaxError);
    });

    it('fails with a syntax error when a later entry of one chunk is malformed', () => {
      const text = '{"log":[{"status":"a"},{"status":"b"},{"status":"c",}]}';
      expect(errorOf([Buffer.from(text)])).toBeInstanceOf(LogSyntaxError);
    });

    it.each([
      ['a later entry of one chunk without a status', '{"log":[{"status":"a"},{"message":"x"},{"status":"c"}]}'],
      ['a log that is a string', '{"log":"nope"}'],
      ['an entry without a status', '{"log":[{"message":"x"}]}'],
      ['an entry that is a number', '{"log":[1]}'],
      ['a session ID that is an object', '{"jobSessionId":{},"log":[]}'],
      ['an array document', '[]'],
      ['a null document', 'null'],
      ['two log fields', '{"log":[],"log":[]}'],
    ])('fails with a shape error for %s', (_name, text) => {
      expect(errorOf([Buffer.from(text)])).toBeInstanceOf(LogShapeError);
    });
  });

  describe('with a nesting bomb or an oversized entry (bounded memory)', () => {
    const inChunks = (text: string) => splitAt(Buffer.from(text), [1, 65_536, 1_000_000, 5_000_000]);

    it.each([
      ['an entry of 5 million nested arrays', `{"log":[${'['.repeat(5_000_000)}${']'.repeat(5_000_000)}]}`],
      ['an unclosed bomb (cut short)', `{"log":[${'['.repeat(5_000_000)}`],
      ['a nested field inside an entry', `{"log":[{"status":"Error","x":${'{"a":'.repeat(200)}1${'}'.repeat(200)}}]}`],
      ['a bomb in a field beside the log', `{"jobSessionId":${'['.repeat(500_000)}${']'.repeat(500_000)},"log":[]}`],
    ])('rejects %s as nested too deeply, without building it', (_name, body) => {
      const error = errorOf(inChunks(body));
      expect(error).toBeInstanceOf(LogShapeError);
      expect((error as Error).message).toMatch(/nested more than 64 levels deep/);
    });

    it('still reads entries nested a few levels, as appliances send them', () => {
      const entry = { status: 'Error', details: { a: { b: { c: [[{ d: 1 }]] } } } };
      expect(parseChunks(inChunks(JSON.stringify({ log: [entry] }))).items).toEqual([entry]);
    });

    it('rejects a single entry larger than 8 MB instead of holding it', () => {
      const body = `{"log":[{"status":"Error","message":"${'x'.repeat(9 * 1024 * 1024)}"}]}`;
      const error = errorOf(
        splitAt(
          Buffer.from(body),
          Array.from({ length: 150 }, (_, i) => i * 65_536),
        ),
      );
      expect(error).toBeInstanceOf(LogShapeError);
      expect((error as Error).message).toMatch(/log entry is larger than 8 MB/);
    });
  });

  describe('compared with JSON.parse and SessionLogSchema (property)', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('\\', '"', '}', ']', '\u2028'));
    const nullishText = fc.option(text, { nil: null });
    const entry = fc.record(
      {
        logTime: nullishText,
        status: text,
        message: nullishText,
        resourceHashId: nullishText,
        executionStartTime: nullishText,
        executionDuration: fc.oneof(nullishText, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
        extra: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: ['status'] },
    );
    const body = fc.record(
      {
        jobSessionId: fc.oneof(text, fc.integer(), fc.constant(null)),
        log: fc.oneof(fc.array(entry, { maxLength: 12 }), fc.constant(null)),
        other: fc.jsonValue({ maxDepth: 3 }),
      },
      { requiredKeys: [] },
    );

    it('feeds the same entries and session ID for any log split at any points', () => {
      fc.assert(
        fc.property(body, fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), (value, cuts, pretty) => {
          const json = JSON.stringify(value, null, pretty ? 2 : undefined);
          const bytes = Buffer.from(json);
          const chunks = splitAt(
            bytes,
            cuts.map((c) => c % (bytes.length + 1)),
          );
          expect(parseChunks(chunks)).toEqual(reference(json));
        }),
        { numRuns: 300 },
      );
    });

    it('rejects every strict prefix of a log as malformed', () => {
      fc.assert(
        fc.property(body, fc.nat(), (value, cut) => {
          const bytes = Buffer.from(JSON.stringify(value));
          const prefix = bytes.subarray(0, cut % bytes.length);
          expect(errorOf([prefix])).toBeInstanceOf(LogSyntaxError);
        }),
        { numRuns: 200 },
      );
    });
  });
});

describe('isLogItem', () => {
  it('accepts exactly what LogItemSchema accepts', () => {
    const field = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(Number.POSITIVE_INFINITY),
      fc.array(fc.string(), { maxLength: 2 }),
      fc.object({ maxDepth: 1 }),
    );
    const candidate = fc.oneof(
      fc.record(
        {
          logTime: field,
          status: field,
          message: field,
          resourceHashId: field,
          executionStartTime: field,
          executionDuration: field,
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );
    fc.assert(
      fc.property(candidate, (value) => {
        expect(isLogItem(value)).toBe(LogItemSchema.safeParse(value).success);
      }),
      { numRuns: 2000 },
    );
  });
});
