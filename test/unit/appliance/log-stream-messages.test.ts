import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { createLogStreamParser, LogShapeError, LogSyntaxError } from '../../../src/appliance/log-stream.ts';
import type { LogItem } from '../../../src/core/session-log.ts';
import { thrown } from '../../support/thrown.ts';

/** Feeds `chunks` to a fresh parser and ends it; the entries it handed on and the session ID. */
function read(chunks: readonly (Buffer | string)[]): { items: LogItem[]; jobSessionId: string | null } {
  const items: LogItem[] = [];
  const parser = createLogStreamParser((item) => items.push(item));
  for (const chunk of chunks) parser.write(chunk);
  return { items, jobSessionId: parser.end().jobSessionId };
}

/** What JSON.parse itself says about `text`: the cause a malformed entry's error should carry. */
function jsonParseError(text: string): SyntaxError {
  return thrown(() => JSON.parse(text), SyntaxError);
}

describe('log stream reader error messages', () => {
  describe('when a value or an entry is missing where one is expected', () => {
    it.each([
      ['a comma', '{"a":,"log":[]}'],
      ['a closing brace', '{"a":}'],
      ['a closing bracket', '{"a":]}'],
      ['a colon', '{"a"::1}'],
    ])('names the character where %s stands in place of a field value', (_name, body) => {
      const error = thrown(() => read([body]), LogSyntaxError);

      expect(error.message).toBe('malformed JSON at character 5: expected a value');
      expect(error.name).toBe('LogSyntaxError');
    });

    it.each([
      ['a comma opens the log', '{"log":[,]}', 8],
      ['a closing brace opens the log', '{"log":[}', 8],
      ['a closing bracket follows a comma', '{"log":[{"status":"a"},]}', 23],
      ['a colon follows a comma', '{"log":[{"status":"a"},:]}', 23],
    ])('names the character where %s instead of a log entry', (_name, body, at) => {
      expect(thrown(() => read([body]), LogSyntaxError).message).toBe(
        `malformed JSON at character ${at}: expected a log entry`,
      );
    });
  });

  describe('when the object around the log is malformed', () => {
    it.each([
      ['a field name without its colon', '{"a" 1}', 5, 'expected ":"'],
      ['the log without its colon', '{"log" []}', 7, 'expected ":"'],
      ['an unquoted field name', '{log:[]}', 1, 'expected a field name'],
      ['a number as field name', '{1:2}', 1, 'expected a field name'],
      ['a comma before the closing brace', '{"a":1,}', 7, 'expected a field name'],
      ['two entries without a comma', '{"log":[1 2]}', 10, 'expected "," or "]" in the log array'],
      ['an entry followed by a brace', '{"log":[{"status":"a"}}', 22, 'expected "," or "]" in the log array'],
      ['text after the closing brace', '{"log":[]} x', 11, 'unexpected text after the end of the document'],
      ['a second closing brace', '{"log":[]}}', 10, 'unexpected text after the end of the document'],
    ])('names the character and the problem for %s', (_name, body, at, problem) => {
      expect(thrown(() => read([body]), LogSyntaxError).message).toBe(`malformed JSON at character ${at}: ${problem}`);
    });

    it('treats half a UTF-8 character after the closing brace as text after the end of the document', () => {
      const body = Buffer.concat([Buffer.from('{"log":[]}'), Buffer.from([0xe2, 0x82])]);

      expect(thrown(() => read([body]), LogSyntaxError).message).toBe(
        'malformed JSON at character 10: unexpected text after the end of the document',
      );
    });

    it('reads carriage returns and tabs between every token as JSON.parse does', () => {
      const body = '{\r\n\t"jobSessionId"\t:\r7\r,\t"log"\r:\t[\r{"status":"a"}\t,\r\n{"status":"b"}\r]\t}\r\n\t';

      expect(read([body])).toEqual({ items: [{ status: 'a' }, { status: 'b' }], jobSessionId: '7' });
      expect(JSON.parse(body)).toEqual({ jobSessionId: 7, log: [{ status: 'a' }, { status: 'b' }] });
    });
  });

  describe('when an entry is not valid JSON', () => {
    it('says near which character, with what JSON.parse said about the entry as the cause', () => {
      const entry = '{"status":"a",}';
      const body = `{"log":[${entry}]}`;

      const error = thrown(() => read([body]), LogSyntaxError);

      // Entries lying whole in one chunk are parsed together once the chunk is scanned: its end is the place named.
      expect(error.message).toBe(`malformed JSON near character ${body.length}`);
      expect(error.cause).toBeInstanceOf(SyntaxError);
      expect((error.cause as Error).message).toBe(jsonParseError(entry).message);
    });

    it('names the end of a document that is not an object and not JSON either, leading spaces counted', () => {
      const body = '  [1,2';

      const error = thrown(() => read([body.slice(0, 4), body.slice(4)]), LogSyntaxError);

      expect(error.message).toBe('malformed JSON near character 6');
      expect((error.cause as Error).message).toBe(jsonParseError(body.trimStart()).message);
    });
  });

  describe('when the body is JSON of the wrong shape', () => {
    it('says a document that is not an object is not a session log, with the schema error as the cause', () => {
      const error = thrown(() => read(['[1,2]']), LogShapeError);

      expect(error.message).toBe('the body is not a session log object');
      expect(error.name).toBe('LogShapeError');
      expect(error.cause).toBeInstanceOf(z.core.$ZodError);
    });

    it('says the session ID is neither a string nor a number, with the schema error as the cause', () => {
      const error = thrown(() => read(['{"jobSessionId":true,"log":[]}']), LogShapeError);

      expect(error.message).toBe('"jobSessionId" is not a string or number');
      expect(error.cause).toBeInstanceOf(z.core.$ZodError);
    });

    it('says an entry does not match the LogItem schema, with the schema error as the cause', () => {
      const error = thrown(() => read(['{"log":[{"status":"a"},{"message":"no status"}]}']), LogShapeError);

      expect(error.message).toBe('a log entry does not match the LogItem schema');
      expect((error.cause as z.core.$ZodError).issues[0]?.path).toEqual(['status']);
    });

    it('refuses a body with two log fields, saying so', () => {
      const error = thrown(() => read(['{"log":[],"jobSessionId":1,"log":null}']), LogShapeError);

      expect(error.message).toBe('the body has two "log" fields');
    });
  });
});
