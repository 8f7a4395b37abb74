import { LogShapeError } from './log-stream-errors.ts';

// Character codes, plain numbers so the hot loops compare small integers.
const TAB = 9;
const NEWLINE = 10;
const RETURN = 13;
const SPACE = 32;
export const QUOTE = 34;
export const COMMA = 44;
export const COLON = 58;
export const OPEN_BRACKET = 91;
export const CLOSE_BRACKET = 93;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;

// A top-level value other than `log` (or a non-object document) is captured whole; past this size it is not a session log.
export const MAX_CAPTURED_CHARS = 1024 * 1024;
// Log entries are a few levels deep; a nesting bomb (millions of `[`) would cost JSON.parse hundreds of MB to build.
export const MAX_NESTING_DEPTH = 64;
// One entry is held whole before it is parsed; past this it would cost several times its size in the 256 MB function.
const MAX_ENTRY_CHARS = 8 * 1024 * 1024;

export function isSpace(c: number): boolean {
  return c === SPACE || c === NEWLINE || c === RETURN || c === TAB;
}

/** Whether `c` cannot start a JSON value (it would close or separate one). */
export function isPunctuation(c: number): boolean {
  return c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === COLON;
}

/**
 * Finds where one JSON value ends without building it, across chunks: the finished pieces from earlier chunks and the
 * scanner's resumable state live here between calls.
 */
export class ValueCapture {
  #parts: string[] = [];
  #partsLength = 0;
  #depth = 0;
  #inString = false;
  #escaped = false;
  // Position of the next backslash in the current chunk (cached so each chunk is searched once), or MAX_SAFE_INTEGER.
  #backslash = -1;
  #literal = false;

  /** Starts capturing a value whose first character is `c`. */
  begin(c: number): void {
    this.#parts = [];
    this.#partsLength = 0;
    this.#depth = 0;
    this.#inString = false;
    this.#escaped = false;
    this.#literal = c !== OPEN_BRACE && c !== OPEN_BRACKET && c !== QUOTE;
  }

  /** Forgets the backslash position found in the previous chunk. */
  nextChunk(): void {
    this.#backslash = -1;
  }

  /** Whether part of the value came in an earlier chunk. */
  carried(): boolean {
    return this.#parts.length > 0;
  }

  /**
   * Continues the capture whose part in `text` starts at `start`, scanning from `resumeAt`: the index just past the
   * value, or -1 when it goes on in the next chunk (then this chunk's part is kept, within the entry or top-level bound).
   */
  capture(text: string, start: number, resumeAt: number, entry: boolean): number {
    const end = this.#scan(text, resumeAt);
    if (end !== -1) return end;
    const piece = start === 0 ? text : text.slice(start);
    this.#partsLength += piece.length;
    if (!entry && this.#partsLength > MAX_CAPTURED_CHARS) {
      throw new LogShapeError('a top-level value is too large to be part of a session log');
    }
    if (this.#partsLength > MAX_ENTRY_CHARS) throw new LogShapeError('a log entry is larger than 8 MB');
    this.#parts.push(piece);
    return -1;
  }

  /** The complete value's text once `capture` found its end, and a fresh start for the next one. */
  take(text: string, start: number, end: number): string {
    const tail = text.slice(start, end);
    if (this.#parts.length === 0) return tail;
    const value = this.#parts.join('') + tail;
    this.#parts = [];
    this.#partsLength = 0;
    return value;
  }

  /** Keeps `piece` whole, without scanning; the total kept so far. */
  hold(piece: string): number {
    this.#partsLength += piece.length;
    this.#parts.push(piece);
    return this.#partsLength;
  }

  /** Everything kept so far, as one string. */
  held(): string {
    return this.#parts.join('');
  }

  /** Scans `text` from `from` for the end of the value; the index just past it, or -1 when it goes on. */
  #scan(text: string, from: number): number {
    if (this.#literal) return scanLiteral(text, from);
    const length = text.length;
    let i = from;
    if (this.#escaped) {
      // The previous chunk ended on a backslash inside a string: this character is escaped.
      this.#escaped = false;
      i++;
    }
    while (i < length) {
      if (this.#inString) {
        // Most of a log is string content: jump to the next quote, and to the next backslash only when it comes first.
        let quote = text.indexOf('"', i);
        if (quote === -1) quote = length;
        if (this.#backslash < i) {
          this.#backslash = text.indexOf('\\', i);
          if (this.#backslash === -1) this.#backslash = Number.MAX_SAFE_INTEGER;
        }
        if (this.#backslash < quote) {
          i = this.#backslash + 2;
          if (i > length) {
            this.#escaped = true;
            return -1;
          }
          continue;
        }
        if (quote === length) return -1;
        i = quote + 1;
        this.#inString = false;
        if (this.#depth === 0) return i;
        continue;
      }
      const c = text.charCodeAt(i++);
      if (c === QUOTE) this.#inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (++this.#depth > MAX_NESTING_DEPTH) {
          throw new LogShapeError(`a value in the log is nested more than ${MAX_NESTING_DEPTH} levels deep`);
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--this.#depth === 0) return i;
      }
    }
    return -1;
  }
}

/** A number, true, false or null ends at the first separator or space; -1 when the chunk ends first. */
function scanLiteral(text: string, from: number): number {
  const length = text.length;
  for (let i = from; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) return i;
  }
  return -1;
}
