import { StringDecoder } from 'node:string_decoder';
import { isLogItem, type LogItem, LogItemSchema, SessionLogSchema } from '../core/session-log.ts';

/*
 * A streaming reader for the body of `GET /jobSessions/{id}/log`, chosen by measurement (README, Benchmarks): whole-body
 * JSON.parse holds the text and the whole object tree at once, and a generic token-by-token streaming parser
 * (@streamparser/json) builds every value character by character, several times slower. This one only scans for
 * where each log entry starts and ends (jumping through strings with indexOf), parses the entries lying whole in a chunk
 * with one native JSON.parse, checks each against LogItemSchema's rules and hands it on: memory stays at about one chunk.
 *
 * Semantics match `SessionLogSchema.parse(JSON.parse(body))`, with one deliberate difference: a body with two `log`
 * fields is rejected (JSON.parse would keep the last; entries of the first would already have been counted).
 */

/** The body is not JSON (malformed or cut short); a SyntaxError so callers can tell it from a wrong shape. */
export class LogSyntaxError extends SyntaxError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LogSyntaxError';
  }
}

/** The body is JSON but not a session log (a ZodError from the schema is the `cause` when there is one). */
export class LogShapeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LogShapeError';
  }
}

/** Feeds validated entries to `onItem` as chunks arrive; `end()` returns the appliance's `jobSessionId`. */
export interface LogStreamParser {
  write(chunk: Buffer | string): void;
  /** Checks the document is complete; throws LogSyntaxError when it was cut short. */
  end(): { readonly jobSessionId: string | null };
}

// Parser states and character codes, plain numbers so the hot loops compare small integers.
const START = 0;
const OBJECT_OPEN = 1;
const KEY_EXPECTED = 2;
const KEY = 3;
const AFTER_KEY = 4;
const VALUE_START = 5;
const VALUE = 6;
const AFTER_VALUE = 7;
const LOG_START = 8;
const ELEMENT_EXPECTED = 9;
const ELEMENT = 10;
const AFTER_ELEMENT = 11;
const DONE = 12;
const FALLBACK = 13;

const TAB = 9;
const NEWLINE = 10;
const RETURN = 13;
const SPACE = 32;
const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

// A top-level value other than `log` (or a non-object document) is captured whole; past this size it is not a session log.
const MAX_CAPTURED_CHARS = 1024 * 1024;
// Log entries are a few levels deep; a nesting bomb (millions of `[`) would cost JSON.parse hundreds of MB to build.
export const MAX_NESTING_DEPTH = 64;
// One entry is held whole before it is parsed; past this it would cost several times its size in the 256 MB function.
const MAX_ENTRY_CHARS = 8 * 1024 * 1024;

function isSpace(c: number): boolean {
  return c === SPACE || c === NEWLINE || c === RETURN || c === TAB;
}

/** Starts a parser that calls `onItem` with each validated LogItem of the `log` array, in order, and its JSON length. */
export function createLogStreamParser(onItem: (item: LogItem, chars: number) => void): LogStreamParser {
  const decoder = new StringDecoder('utf8');
  let state = START;
  // The value being captured: finished pieces from earlier chunks, and the scanner's resumable state.
  let parts: string[] = [];
  let partsLength = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  // Position of the next backslash in the current chunk (cached so each chunk is searched once), or MAX_SAFE_INTEGER.
  let backslash = -1;
  let literal = false;
  let key = '';
  let sawLog = false;
  let jobSessionId: unknown;
  let offset = 0;

  const syntax = (what: string): LogSyntaxError => new LogSyntaxError(`malformed JSON at character ${offset}: ${what}`);

  const beginCapture = (c: number): void => {
    parts = [];
    partsLength = 0;
    depth = 0;
    inString = false;
    escaped = false;
    literal = c !== OPEN_BRACE && c !== OPEN_BRACKET && c !== QUOTE;
  };

  /**
   * Scans `text` from `from` for the end of the value being captured; returns the index just past it, or -1 when the
   * value goes on in the next chunk (then the scanned part is kept). Resumable: all state lives outside.
   */
  const scan = (text: string, from: number): number => {
    const length = text.length;
    let i = from;
    if (literal) {
      while (i < length) {
        const c = text.charCodeAt(i);
        if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) return i;
        i++;
      }
      return -1;
    }
    if (escaped) {
      // The previous chunk ended on a backslash inside a string: this character is escaped.
      escaped = false;
      i++;
    }
    while (i < length) {
      if (inString) {
        // Most of a log is string content: jump to the next quote, and to the next backslash only when it comes first.
        let quote = text.indexOf('"', i);
        if (quote === -1) quote = length;
        if (backslash < i) {
          backslash = text.indexOf('\\', i);
          if (backslash === -1) backslash = Number.MAX_SAFE_INTEGER;
        }
        if (backslash < quote) {
          i = backslash + 2;
          if (i > length) {
            escaped = true;
            return -1;
          }
          continue;
        }
        if (quote === length) return -1;
        i = quote + 1;
        inString = false;
        if (depth === 0) return i;
        continue;
      }
      const c = text.charCodeAt(i++);
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (++depth > MAX_NESTING_DEPTH) {
          throw new LogShapeError(`a value in the log is nested more than ${MAX_NESTING_DEPTH} levels deep`);
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) return i;
      }
    }
    return -1;
  };

  /** Continues the capture started at `start`; the complete value's text, or undefined to wait for more. */
  const capture = (text: string, start: number, resumeAt: number): { value: string; end: number } | undefined => {
    const end = scan(text, resumeAt);
    if (end === -1) {
      const piece = start === 0 ? text : text.slice(start);
      partsLength += piece.length;
      if (state !== ELEMENT && partsLength > MAX_CAPTURED_CHARS) {
        throw new LogShapeError('a top-level value is too large to be part of a session log');
      }
      if (partsLength > MAX_ENTRY_CHARS) throw new LogShapeError('a log entry is larger than 8 MB');
      parts.push(piece);
      return undefined;
    }
    const tail = text.slice(start, end);
    const value = parts.length === 0 ? tail : parts.join('') + tail;
    parts = [];
    partsLength = 0;
    return { value, end };
  };

  const parseJson = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new LogSyntaxError(`malformed JSON near character ${offset}`, { cause: error });
    }
  };

  const acceptValueAsItem = (value: unknown, chars: number): void => {
    if (isLogItem(value)) {
      onItem(value, chars);
      return;
    }
    const parsed = LogItemSchema.safeParse(value);
    if (!parsed.success)
      throw new LogShapeError('a log entry does not match the LogItem schema', { cause: parsed.error });
    onItem(parsed.data, chars);
  };

  const acceptItem = (text: string): void => acceptValueAsItem(parseJson(text), text.length);

  // Entries that lie whole inside the current chunk are parsed together: one JSON.parse of "[e1,e2,…]" per chunk
  // costs less than one call per entry. Only commas and whitespace separate them (the state machine checked that).
  let batchStart = -1;
  let batchEnd = -1;
  let batchCount = 0;
  const flushBatch = (text: string): void => {
    if (batchCount === 0) return;
    const count = batchCount;
    const slice = text.slice(batchStart, batchEnd);
    batchCount = 0;
    if (count === 1) {
      acceptItem(slice);
      return;
    }
    const values = parseJson(`[${slice}]`) as unknown[];
    const chars = slice.length / count;
    for (const value of values) acceptValueAsItem(value, chars);
  };

  const acceptValue = (text: string): void => {
    const value = parseJson(text);
    if (key === 'log') {
      // Only `null` reaches here: an array goes through the entry scanner.
      if (value !== null) throw new LogShapeError('"log" is neither an array nor null');
    } else if (key === 'jobSessionId') {
      jobSessionId = value;
    }
  };

  // Whether a capture is in progress and where the current chunk's part of it starts (0 when carried over).
  let captureStart = -1;

  const feed = (text: string): void => {
    let i = 0;
    const length = text.length;
    if (captureStart !== -1) captureStart = 0;
    backslash = -1;
    while (i < length) {
      switch (state) {
        case ELEMENT:
        case VALUE:
        case KEY:
        case FALLBACK: {
          if (state === FALLBACK) {
            partsLength += length - i;
            if (partsLength > MAX_CAPTURED_CHARS) throw new LogShapeError('the body is not a session log object');
            parts.push(i === 0 ? text : text.slice(i));
            offset += length - i;
            return;
          }
          const carried = parts.length > 0;
          const start = captureStart;
          const done = capture(text, captureStart, i);
          if (done === undefined) {
            offset += length - i;
            i = length;
            break;
          }
          offset += done.end - i;
          i = done.end;
          captureStart = -1;
          if (state === ELEMENT) {
            if (carried) acceptItem(done.value);
            else {
              if (batchCount === 0) batchStart = start;
              batchEnd = done.end;
              batchCount++;
            }
            state = AFTER_ELEMENT;
          } else if (state === VALUE) {
            acceptValue(done.value);
            state = AFTER_VALUE;
          } else {
            key = parseJson(done.value) as string;
            if (key === 'log') {
              if (sawLog) throw new LogShapeError('the body has two "log" fields');
              sawLog = true;
            }
            state = AFTER_KEY;
          }
          break;
        }
        default: {
          const c = text.charCodeAt(i);
          if (isSpace(c)) {
            i++;
            offset++;
            break;
          }
          switch (state) {
            case START:
              if (c === OPEN_BRACE) {
                state = OBJECT_OPEN;
                i++;
                offset++;
              } else {
                // Not an object: keep it whole (bounded) so end() can say whether it is malformed or merely not a log.
                state = FALLBACK;
                parts = [];
                partsLength = 0;
              }
              break;
            case OBJECT_OPEN:
            case KEY_EXPECTED:
              if (c === CLOSE_BRACE && state === OBJECT_OPEN) {
                state = DONE;
                i++;
                offset++;
              } else if (c === QUOTE) {
                beginCapture(c);
                state = KEY;
                captureStart = i;
              } else throw syntax('expected a field name');
              break;
            case AFTER_KEY:
              if (c !== COLON) throw syntax('expected ":"');
              state = VALUE_START;
              i++;
              offset++;
              break;
            case VALUE_START:
              if (key === 'log' && c === OPEN_BRACKET) {
                state = LOG_START;
                i++;
                offset++;
              } else {
                if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === COLON) {
                  throw syntax('expected a value');
                }
                beginCapture(c);
                state = VALUE;
                captureStart = i;
              }
              break;
            case AFTER_VALUE:
              if (c === COMMA) state = KEY_EXPECTED;
              else if (c === CLOSE_BRACE) state = DONE;
              else throw syntax('expected "," or "}"');
              i++;
              offset++;
              break;
            case LOG_START:
            case ELEMENT_EXPECTED:
              if (c === CLOSE_BRACKET && state === LOG_START) {
                state = AFTER_VALUE;
                i++;
                offset++;
              } else {
                if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === COLON) {
                  throw syntax('expected a log entry');
                }
                beginCapture(c);
                state = ELEMENT;
                captureStart = i;
              }
              break;
            case AFTER_ELEMENT:
              if (c === COMMA) state = ELEMENT_EXPECTED;
              else if (c === CLOSE_BRACKET) state = AFTER_VALUE;
              else throw syntax('expected "," or "]" in the log array');
              i++;
              offset++;
              break;
            case DONE:
              throw syntax('unexpected text after the end of the document');
          }
        }
      }
    }
    flushBatch(text);
  };

  return {
    write(chunk) {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      if (text.length > 0) feed(text);
    },
    end() {
      const rest = decoder.end();
      if (rest.length > 0) feed(rest);
      if (state === FALLBACK) {
        // Malformed text throws a LogSyntaxError here; well-formed text that is not an object fails the schema.
        const parsed = SessionLogSchema.safeParse(parseJson(parts.join('')));
        throw new LogShapeError('the body is not a session log object', parsed.success ? {} : { cause: parsed.error });
      }
      if (state !== DONE) throw new LogSyntaxError('the JSON document is truncated');
      const parsed = SessionLogSchema.safeParse({ jobSessionId, log: null });
      if (!parsed.success) throw new LogShapeError('"jobSessionId" is not a string or number', { cause: parsed.error });
      const id = parsed.data.jobSessionId;
      return { jobSessionId: id === null || id === undefined ? null : String(id) };
    },
  };
}
