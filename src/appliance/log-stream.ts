import { StringDecoder } from 'node:string_decoder';
import { isLogItem, type LogItem, LogItemSchema, SessionLogSchema } from '../core/session-log.ts';
import { LogShapeError, LogSyntaxError } from './log-stream-errors.ts';
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  isPunctuation,
  isSpace,
  MAX_CAPTURED_CHARS,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  ValueCapture,
} from './log-stream-scan.ts';

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

export { LogShapeError, LogSyntaxError } from './log-stream-errors.ts';
export { MAX_NESTING_DEPTH } from './log-stream-scan.ts';

/** Feeds validated entries to `onItem` as chunks arrive; `end()` returns the appliance's `jobSessionId`. */
export interface LogStreamParser {
  write(chunk: Buffer | string): void;
  /** Checks the document is complete; throws LogSyntaxError when it was cut short. */
  end(): { readonly jobSessionId: string | null };
}

// Parser states, plain numbers so the hot loop compares small integers.
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

/** Starts a parser that calls `onItem` with each validated LogItem of the `log` array, in order, and its JSON length. */
export function createLogStreamParser(onItem: (item: LogItem, chars: number) => void): LogStreamParser {
  return new StreamParser(onItem);
}

class StreamParser implements LogStreamParser {
  readonly #decoder = new StringDecoder('utf8');
  readonly #value = new ValueCapture();
  #state = START;
  #key = '';
  #sawLog = false;
  #jobSessionId: unknown;
  #offset = 0;
  // Where the current chunk's part of the capture in progress starts (0 when it was carried over).
  #captureStart = 0;
  // Entries that lie whole inside the current chunk are parsed together: one JSON.parse of "[e1,e2,…]" per chunk
  // costs less than one call per entry. Only commas and whitespace separate them (the state machine checked that).
  #batchStart = -1;
  #batchEnd = -1;
  #batchCount = 0;

  readonly #onItem: (item: LogItem, chars: number) => void;

  constructor(onItem: (item: LogItem, chars: number) => void) {
    this.#onItem = onItem;
  }

  write(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    if (text.length > 0) this.#feed(text);
  }

  end(): { readonly jobSessionId: string | null } {
    const rest = this.#decoder.end();
    if (rest.length > 0) this.#feed(rest);
    if (this.#state === FALLBACK) {
      // Malformed text throws a LogSyntaxError here; well-formed text that is not an object fails the schema.
      const parsed = SessionLogSchema.safeParse(this.#parseJson(this.#value.held()));
      throw new LogShapeError('the body is not a session log object', parsed.success ? {} : { cause: parsed.error });
    }
    if (this.#state !== DONE) throw new LogSyntaxError('the JSON document is truncated');
    const parsed = SessionLogSchema.safeParse({ jobSessionId: this.#jobSessionId, log: null });
    if (!parsed.success) throw new LogShapeError('"jobSessionId" is not a string or number', { cause: parsed.error });
    const id = parsed.data.jobSessionId;
    return { jobSessionId: id === null || id === undefined ? null : String(id) };
  }

  #feed(text: string): void {
    const length = text.length;
    let i = 0;
    // A capture still in progress began in an earlier chunk; a new one sets its own start.
    this.#captureStart = 0;
    this.#value.nextChunk();
    while (i < length) {
      const state = this.#state;
      if (state === ELEMENT || state === VALUE || state === KEY) {
        i = this.#continueCapture(text, i);
      } else if (state === FALLBACK) {
        this.#holdRest(text, i);
        return;
      } else {
        const c = text.charCodeAt(i);
        if (isSpace(c) || this.#step(c, i)) {
          i++;
          this.#offset++;
        }
      }
    }
    this.#flushBatch(text);
  }

  /** Keeps the rest of a document that is not an object (bounded) so end() can say what is wrong with it. */
  #holdRest(text: string, i: number): void {
    const kept = this.#value.hold(i === 0 ? text : text.slice(i));
    if (kept > MAX_CAPTURED_CHARS) throw new LogShapeError('the body is not a session log object');
    this.#offset += text.length - i;
  }

  /** Goes on with the key, value or entry being captured from `i`; where the next step starts. */
  #continueCapture(text: string, i: number): number {
    const start = this.#captureStart;
    const carried = this.#value.carried();
    const end = this.#value.capture(text, start, i, this.#state === ELEMENT);
    if (end === -1) {
      this.#offset += text.length - i;
      return text.length;
    }
    this.#offset += end - i;
    if (this.#state === ELEMENT) {
      if (carried) this.#acceptItem(this.#value.take(text, start, end));
      else {
        if (this.#batchCount === 0) this.#batchStart = start;
        this.#batchEnd = end;
        this.#batchCount++;
      }
      this.#state = AFTER_ELEMENT;
    } else if (this.#state === VALUE) {
      this.#acceptValue(this.#value.take(text, start, end));
      this.#state = AFTER_VALUE;
    } else {
      this.#acceptKey(this.#value.take(text, start, end));
      this.#state = AFTER_KEY;
    }
    return end;
  }

  /** Takes the structural character `c` at `i`; false when a capture starts there instead (it is not consumed). */
  #step(c: number, i: number): boolean {
    switch (this.#state) {
      case START:
        if (c === OPEN_BRACE) this.#state = OBJECT_OPEN;
        else {
          // Not an object: keep it whole (bounded) so end() can say whether it is malformed or merely not a log.
          this.#state = FALLBACK;
          this.#value.begin(c);
        }
        return c === OPEN_BRACE;
      case OBJECT_OPEN:
      case KEY_EXPECTED:
        return this.#keyStart(c, i);
      case AFTER_KEY:
        if (c !== COLON) throw this.#syntax('expected ":"');
        this.#state = VALUE_START;
        return true;
      case VALUE_START:
        return this.#nextOrCapture(this.#key === 'log' && c === OPEN_BRACKET, LOG_START, VALUE, c, i);
      case AFTER_VALUE:
        if (c === COMMA) this.#state = KEY_EXPECTED;
        else if (c === CLOSE_BRACE) this.#state = DONE;
        else throw this.#syntax('expected "," or "}"');
        return true;
      case LOG_START:
      case ELEMENT_EXPECTED:
        return this.#nextOrCapture(c === CLOSE_BRACKET && this.#state === LOG_START, AFTER_VALUE, ELEMENT, c, i);
      case AFTER_ELEMENT:
        if (c === COMMA) this.#state = ELEMENT_EXPECTED;
        else if (c === CLOSE_BRACKET) this.#state = AFTER_VALUE;
        else throw this.#syntax('expected "," or "]" in the log array');
        return true;
      default:
        throw this.#syntax('unexpected text after the end of the document');
    }
  }

  #keyStart(c: number, i: number): boolean {
    if (c === CLOSE_BRACE && this.#state === OBJECT_OPEN) {
      this.#state = DONE;
      return true;
    }
    if (c !== QUOTE) throw this.#syntax('expected a field name');
    this.#startCapture(KEY, c, i);
    return false;
  }

  /** `c` either moves to state `next` (when `structural`) or starts a value captured in state `capturing`. */
  #nextOrCapture(structural: boolean, next: number, capturing: number, c: number, i: number): boolean {
    if (structural) {
      this.#state = next;
      return true;
    }
    if (isPunctuation(c)) throw this.#syntax(capturing === ELEMENT ? 'expected a log entry' : 'expected a value');
    this.#startCapture(capturing, c, i);
    return false;
  }

  #startCapture(state: number, c: number, i: number): void {
    this.#value.begin(c);
    this.#state = state;
    this.#captureStart = i;
  }

  #syntax(what: string): LogSyntaxError {
    return new LogSyntaxError(`malformed JSON at character ${this.#offset}: ${what}`);
  }

  #parseJson(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new LogSyntaxError(`malformed JSON near character ${this.#offset}`, { cause: error });
    }
  }

  #acceptKey(text: string): void {
    this.#key = this.#parseJson(text) as string;
    if (this.#key === 'log') {
      if (this.#sawLog) throw new LogShapeError('the body has two "log" fields');
      this.#sawLog = true;
    }
  }

  #acceptValue(text: string): void {
    const value = this.#parseJson(text);
    if (this.#key === 'log') {
      // Only `null` reaches here: an array goes through the entry scanner.
      if (value !== null) throw new LogShapeError('"log" is neither an array nor null');
    } else if (this.#key === 'jobSessionId') {
      this.#jobSessionId = value;
    }
  }

  #acceptItem(text: string): void {
    this.#acceptValueAsItem(this.#parseJson(text), text.length);
  }

  #acceptValueAsItem(value: unknown, chars: number): void {
    if (isLogItem(value)) {
      this.#onItem(value, chars);
      return;
    }
    const parsed = LogItemSchema.safeParse(value);
    if (!parsed.success)
      throw new LogShapeError('a log entry does not match the LogItem schema', { cause: parsed.error });
    this.#onItem(parsed.data, chars);
  }

  #flushBatch(text: string): void {
    if (this.#batchCount === 0) return;
    const count = this.#batchCount;
    const slice = text.slice(this.#batchStart, this.#batchEnd);
    this.#batchCount = 0;
    if (count === 1) {
      this.#acceptItem(slice);
      return;
    }
    const values = this.#parseJson(`[${slice}]`) as unknown[];
    const chars = slice.length / count;
    for (const value of values) this.#acceptValueAsItem(value, chars);
  }
}
