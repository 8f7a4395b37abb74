import { formatDuration } from '../time.ts';
import type { HistoryFacts, Memory, RunClass } from './model.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st… */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** A span as people say it, to two units: "2 days 6 h", "5 h 10 min", "12 min", "under a minute". */
export function formatSpan(ms: number): string {
  if (ms < MINUTE) return 'under a minute';
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms < DAY) {
    const minutes = Math.floor((ms % HOUR) / MINUTE);
    return `${Math.floor(ms / HOUR)} h${minutes > 0 ? ` ${minutes} min` : ''}`;
  }
  const hours = Math.floor((ms % DAY) / HOUR);
  return `${plural(Math.floor(ms / DAY), 'day', 'days')}${hours > 0 ? ` ${hours} h` : ''}`;
}

/** How long ago, in its largest unit: "3 days ago", "5 h ago", "12 min ago", "just before". */
export function formatAgo(ms: number): string {
  if (ms < MINUTE) return 'just before';
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min ago`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h ago`;
  return `${plural(Math.floor(ms / DAY), 'day', 'days')} ago`;
}

const NOUNS: Readonly<Record<RunClass | 'problem', [string, string]>> = {
  success: ['success', 'successes'],
  warning: ['warning', 'warnings'],
  failure: ['failure', 'failures'],
  other: ['canceled run', 'canceled runs'],
  problem: ['failed or warning run', 'failed or warning runs'],
};
const noun = (cls: RunClass | 'problem', n: number) => (n === 1 ? NOUNS[cls][0] : NOUNS[cls][1]);

/** "4.1" for 4.1 times; two significant digits under 1 ("0.12"). */
export function formatRatio(ratio: number): string {
  return ratio >= 1 ? ratio.toFixed(1) : String(Number(ratio.toPrecision(2)));
}

/**
 * The lines a message adds from memory, in plain text with every time written by `localTime` (each format's
 * reader-local time): a streak, a recovery, an unusual duration; none without history.
 * @example ["3rd failure in a row — last success Nov 27, 01:17 (3 days ago)"]
 */
export function memoryLines(memory: Memory | undefined, localTime: (iso: string) => string): string[] {
  const facts = memory?.facts;
  if (!memory || !facts) return [];
  const lines: string[] = [];
  const streak = streakLine(facts, memory.endedAt, localTime);
  if (streak) lines.push(streak);
  if (facts.recovered) {
    const r = facts.recovered;
    lines.push(`✅ Recovered after ${r.runs} ${noun(r.cls, r.runs)} (${formatSpan(r.durationMs)})`);
  }
  if (facts.duration?.unusual) lines.push(durationLine(facts.duration));
  return lines;
}

function streakLine(facts: HistoryFacts, endedAt: string, localTime: (iso: string) => string): string | undefined {
  const streak = facts.streak;
  if (!streak) return undefined;
  if (streak.count === 1) {
    const after = facts.after;
    return after ? `first ${streak.cls} after ${after.count} ${noun(after.cls, after.count)}` : undefined;
  }
  const head = `${ordinal(streak.count)} ${streak.cls} in a row`;
  if (streak.lastSuccessAt === null) return `${head} — no success on record`;
  const ago = formatAgo(Date.parse(endedAt) - Date.parse(streak.lastSuccessAt));
  return `${head} — last success ${localTime(streak.lastSuccessAt)} (${ago})`;
}

/** "Took 2h 10m — 4.1× its median of 32m over the last 14 runs". */
export function durationLine(d: NonNullable<HistoryFacts['duration']>): string {
  return `Took ${formatDuration(d.ms)} — ${formatRatio(d.ratio)}× its median of ${formatDuration(d.medianMs)} over the last ${d.runs} runs`;
}

/** The Slack parent of open problem runs: "Failing since <time>", then "Failing for 3 runs since <time>". */
export function openLine(thread: NonNullable<Memory['thread']>, localTime: (iso: string) => string): string {
  if (thread.runs === 1) return `Failing since ${localTime(thread.since)}`;
  return `Failing for ${thread.runs} runs since ${localTime(thread.since)}`;
}

/** The Slack parent once the problem runs ended: "✅ Resolved — recovered after 2 failures (2 days 6 h)". */
export function resolvedLine(recovered: NonNullable<HistoryFacts['recovered']>): string {
  return `✅ Resolved — recovered after ${recovered.runs} ${noun(recovered.cls, recovered.runs)} (${formatSpan(recovered.durationMs)})`;
}
