// Hand-written rather than a regex: this runs once per log entry, and logs can hold 100,000 entries.

const ZERO = 48;
const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;
// .NET's TimeSpan.MaxValue is about 10.7 million days; anything longer is not a duration we trust.
const MAX_DAYS = 10_675_199;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}

/** Reads exactly `count` digits at `at`, or returns -1. */
function readFixedDigits(text: string, at: number, count: number): number {
  if (at + count > text.length) return -1;
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - ZERO);
  }
  return value;
}

/**
 * Parses a .NET TimeSpan in the invariant "c" format, `[-][d.]hh:mm:ss[.fffffff]`, into milliseconds (null if malformed).
 * @example parseTimeSpan("1.02:03:04.5") // 93784500
 */
export function parseTimeSpan(input: string): number | null {
  // Trim only when needed: the appliance never pads, and trim() would copy every string.
  const text =
    input.length > 0 && (input.charCodeAt(0) <= 32 || input.charCodeAt(input.length - 1) <= 32) ? input.trim() : input;
  let i = 0;
  const negative = text.charCodeAt(0) === 45; // '-'
  if (negative) i++;

  // The first run of digits is days when a '.' follows it, hours when a ':' does.
  const firstStart = i;
  let first = 0;
  while (i < text.length && isDigit(text.charCodeAt(i))) first = first * 10 + (text.charCodeAt(i++) - ZERO);
  const firstLength = i - firstStart;
  if (firstLength === 0 || firstLength > 8) return null;

  let days = 0;
  let hours: number;
  if (text.charCodeAt(i) === 46) {
    // '.': the first run was days; hours follow as one or two digits.
    days = first;
    i++;
    const hoursStart = i;
    hours = 0;
    while (i < text.length && isDigit(text.charCodeAt(i))) hours = hours * 10 + (text.charCodeAt(i++) - ZERO);
    if (i - hoursStart < 1 || i - hoursStart > 2) return null;
  } else {
    if (firstLength > 2) return null;
    hours = first;
  }
  if (text.charCodeAt(i) !== 58) return null; // ':'
  const minutes = readFixedDigits(text, i + 1, 2);
  if (minutes < 0 || text.charCodeAt(i + 3) !== 58) return null;
  const seconds = readFixedDigits(text, i + 4, 2);
  if (seconds < 0) return null;
  i += 6;

  // Up to seven fraction digits count 100 ns ticks, so "5" is 5,000,000 ticks (half a second).
  let ticks = 0;
  if (i < text.length) {
    if (text.charCodeAt(i) !== 46) return null;
    const fractionLength = text.length - i - 1;
    if (fractionLength < 1 || fractionLength > 7) return null;
    const fraction = readFixedDigits(text, i + 1, fractionLength);
    if (fraction < 0) return null;
    ticks = fraction * 10 ** (7 - fractionLength);
  }

  if (days > MAX_DAYS || hours > 23 || minutes > 59 || seconds > 59) return null;
  const ms =
    days * MS_PER_DAY + hours * MS_PER_HOUR + minutes * MS_PER_MINUTE + seconds * MS_PER_SECOND + ticks / 10_000;
  return negative ? -ms : ms;
}

/**
 * Reads a step duration as the appliances send it: a TimeSpan string or a number of milliseconds; null for anything else.
 * @example parseDuration("00:02:33.8496840") // 153849.684
 * @example parseDuration(12345) // 12345
 */
export function parseDuration(value: string | number | null | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return parseTimeSpan(value);
  return null;
}

const UNITS: readonly (readonly [suffix: string, ms: number])[] = [
  ['d', MS_PER_DAY],
  ['h', MS_PER_HOUR],
  ['m', MS_PER_MINUTE],
  ['s', MS_PER_SECOND],
];

/** How many units, counted from the largest non-zero one, a formatted duration may span. */
const UNIT_WINDOW = 3;

/**
 * Formats milliseconds the way people read durations: whole seconds, the three largest units from the first non-zero one,
 * zero units inside that window left out ("1d 3m" for 1d 0h 3m 9s), "0s" under half a second, "unknown" for NaN/Infinity.
 * @example formatDuration(458053) // "7m 38s"
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.round(Math.abs(ms) / MS_PER_SECOND) * MS_PER_SECOND;
  if (rest === 0) return '0s';
  const parts: string[] = [];
  let windowLeft = 0;
  for (const [suffix, unitMs] of UNITS) {
    const amount = Math.floor(rest / unitMs);
    rest -= amount * unitMs;
    // The window opens at the first non-zero unit: until then it restarts at every unit.
    if (parts.length === 0) windowLeft = UNIT_WINDOW;
    if (amount > 0) parts.push(`${amount}${suffix}`);
    windowLeft--;
    if (windowLeft === 0) break;
  }
  return sign + parts.join(' ');
}

/**
 * Formats an ISO timestamp for readers, to the second: "2020-02-05T10:43:57.039Z" → "2020-02-05 10:43:57 UTC".
 */
export function formatUtcTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** Parses an ISO-8601 timestamp to epoch ms, reading a date-time without a zone as UTC; NaN when unusable. */
export function parseTimestamp(value: string | null | undefined): number {
  if (value === null || value === undefined || value === '') return Number.NaN;
  return Date.parse(hasZone(value) ? value : `${value}Z`);
}

/** True when the text has a zone after its date part ("Z", "+02:00", "-0500"), or has no time part (date-only is UTC). */
export function hasZone(value: string): boolean {
  // Only the part after "YYYY-MM-DD" can hold a zone; a date-only string is already UTC for Date.parse.
  if (value.length <= 10) return true;
  for (let i = value.length - 1; i >= 10; i--) {
    const code = value.charCodeAt(i);
    if (code === 90 || code === 122 || code === 43 || code === 45) return true; // Z z + -
  }
  return false;
}

/** `FromUtc`/`ToUtc` format the appliance requires since v4: `YYYY-MM-DDTHH:MM:SSZ`, floored to the second. */
export function utcSecond(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** An ISO timestamp as `YYYY-MM-DDTHH:MM:SSZ` (UTC, floored to the second); null when unusable. */
export function isoSeconds(value: string | null | undefined): string | null {
  const ms = parseTimestamp(value);
  return Number.isNaN(ms) ? null : utcSecond(ms);
}
