import { truncate } from './render/escape.ts';
import type { LogItem, LogSink, SessionLog } from './session-log.ts';
import { normalizeStatus, severityRank } from './status.ts';
import {
  MAX_PROBLEMS_KEPT,
  type ProblemStep,
  SEVERITY_ORDER,
  type Severity,
  type StatusCount,
  type Summary,
} from './summary.ts';
import { parseDuration, parseTimestamp } from './time.ts';

/** Distinct unrecognised statuses get their own row up to this many; the rest share OTHER_STATUSES_LABEL. */
export const MAX_UNKNOWN_STATUS_ROWS = 200;
/** The row that counts unrecognised statuses beyond MAX_UNKNOWN_STATUS_ROWS. */
export const OTHER_STATUSES_LABEL = 'Other unrecognised statuses';
/** Kept problem messages are cut to this many code units: no chat message shows more, and 100 kept 1 MB messages would not fit. */
export const MAX_MESSAGE_KEPT = 4_000;

interface CountRow {
  readonly status: string;
  readonly severity: Severity;
  count: number;
  readonly firstSeen: number;
}

const NO_RANK = SEVERITY_ORDER.length;
// The largest epoch milliseconds a Date can hold (ECMA-262 §21.4.1.22); toISOString() throws past it.
const MAX_TIME_MS = 8.64e15;

/**
 * Starts an incremental summary of session `sessionId`'s log: counters and at most MAX_PROBLEMS_KEPT problems per severity,
 * so memory stays flat however many entries stream through.
 */
export function createSummaryBuilder(sessionId: string): LogSink<Summary> {
  return new SummaryBuilder(sessionId);
}

class SummaryBuilder implements LogSink<Summary> {
  // Rows by case-folded status, and a cache by verbatim status so the common case skips trim/toLowerCase.
  readonly #rows = new Map<string, CountRow>();
  readonly #byVerbatim = new Map<string, CountRow>();
  #unknownRows = 0;
  #total = 0;
  #worstRank = NO_RANK;
  readonly #failed: ProblemStep[] = [];
  readonly #warnings: ProblemStep[] = [];
  #failedCount = 0;
  #warningCount = 0;
  #earliest = Number.POSITIVE_INFINITY;
  #latest = Number.NEGATIVE_INFINITY;

  readonly #sessionId: string;

  constructor(sessionId: string) {
    this.#sessionId = sessionId;
  }

  add(item: LogItem): void {
    const row = this.#rowFor(item.status);
    row.count++;
    this.#total++;
    const rank = severityRank(row.severity);
    if (rank < this.#worstRank) this.#worstRank = rank;
    const start = this.#addTimes(item);
    if (row.severity === 'failed') {
      this.#failedCount++;
      if (this.#failed.length < MAX_PROBLEMS_KEPT) this.#failed.push(problem('failed', item, start));
    } else if (row.severity === 'warning') {
      this.#warningCount++;
      if (this.#warnings.length < MAX_PROBLEMS_KEPT) this.#warnings.push(problem('warning', item, start));
    }
  }

  finish(): Summary {
    const counts: StatusCount[] = [...this.#rows.values()]
      .sort(
        (a, b) => b.count - a.count || severityRank(a.severity) - severityRank(b.severity) || a.firstSeen - b.firstSeen,
      )
      .map(({ status, severity, count }) => ({ status, severity, count }));
    const earliest = this.#earliest;
    const latest = this.#latest;
    const timed = Number.isFinite(earliest);
    return {
      sessionId: this.#sessionId,
      totalSteps: this.#total,
      counts,
      worst: SEVERITY_ORDER[this.#worstRank] ?? null,
      problems: [...this.#failed, ...this.#warnings],
      failedCount: this.#failedCount,
      warningCount: this.#warningCount,
      durationMs: timed ? Math.round(latest - earliest) : null,
      startedAt: timed ? new Date(earliest).toISOString() : null,
      endedAt: timed ? new Date(latest).toISOString() : null,
    };
  }

  #rowFor(verbatim: string): CountRow {
    const cached = this.#byVerbatim.get(verbatim);
    if (cached !== undefined) return cached;
    const normalized = normalizeStatus(verbatim);
    const key = normalized.status.toLowerCase();
    let row = this.#rows.get(key);
    if (row === undefined) {
      const unknown = normalized.severity === 'unknown' && key !== 'unknown';
      // Not cached: an unbounded stream of distinct junk statuses must not grow the cache either.
      if (unknown && this.#unknownRows >= MAX_UNKNOWN_STATUS_ROWS) return this.#otherStatusesRow();
      if (unknown) this.#unknownRows++;
      row = { status: normalized.status, severity: normalized.severity, count: 0, firstSeen: this.#total };
      this.#rows.set(key, row);
    }
    if (this.#byVerbatim.size < 4 * MAX_UNKNOWN_STATUS_ROWS) this.#byVerbatim.set(verbatim, row);
    return row;
  }

  /** The shared row for unrecognised statuses past MAX_UNKNOWN_STATUS_ROWS, created when first needed. */
  #otherStatusesRow(): CountRow {
    const key = OTHER_STATUSES_LABEL.toLowerCase();
    let row = this.#rows.get(key);
    if (row === undefined) {
      row = { status: OTHER_STATUSES_LABEL, severity: 'unknown', count: 0, firstSeen: this.#total };
      this.#rows.set(key, row);
    }
    return row;
  }

  /** Widens the session's span by the entry's; its start time, or NaN when it has none. */
  #addTimes(item: LogItem): number {
    // logTime is parsed only when needed: Date.parse is the dominant per-entry cost.
    let start = parseTimestamp(item.executionStartTime);
    let logTime: number | undefined;
    if (Number.isNaN(start)) {
      logTime = parseTimestamp(item.logTime);
      start = logTime;
    }
    if (Number.isNaN(start)) return start;
    if (start < this.#earliest) this.#earliest = start;
    let end = start;
    const duration = parseDuration(item.executionDuration);
    if (duration !== null) {
      // A negative duration would end the step before it began, and one past the end of time could not be shown as a
      // date: ignore both rather than shrink the session or fail the message.
      if (duration > 0 && start + duration <= MAX_TIME_MS) end = start + duration;
    } else {
      logTime ??= parseTimestamp(item.logTime);
      if (logTime > start) end = logTime;
    }
    if (end > this.#latest) this.#latest = end;
    return start;
  }
}

function problem(severity: 'failed' | 'warning', item: LogItem, start: number): ProblemStep {
  return {
    severity,
    status: item.status.trim(),
    message: truncate(item.message ?? '', MAX_MESSAGE_KEPT),
    at: Number.isNaN(start) ? null : new Date(start).toISOString(),
  };
}

/** Summarizes a whole session log at once (a fold over createSummaryBuilder); a null or missing log is empty. */
export function summarize(sessionId: string, log: SessionLog | null | undefined): Summary {
  const builder = createSummaryBuilder(sessionId);
  for (const item of log?.log ?? []) builder.add(item);
  return builder.finish(typeof log?.jobSessionId === 'string' ? log.jobSessionId : null);
}

/**
 * Describes the step counts in plain words within `max` code units, e.g. "4 steps: 3 Success, 1 Error", ending with
 * "…and N more statuses" when the list has to be cut.
 */
export function describeSteps(summary: Summary, max: number): string {
  const head = `${summary.totalSteps} ${summary.totalSteps === 1 ? 'step' : 'steps'}`;
  if (summary.counts.length === 0) return truncate(head, max);
  const parts = summary.counts.map((row) => `${row.count} ${truncate(row.status, 60)}`);
  const full = `${head}: ${parts.join(', ')}`;
  if (full.length <= max) return full;
  // Keep the statuses that fit with room left for ", …and N more statuses" naming the rest.
  let kept = 0;
  let length = head.length + 2;
  for (const part of parts.slice(0, -1)) {
    const withPart = length + (kept === 0 ? 0 : 2) + part.length;
    if (withPart + 2 + moreStatuses(parts.length - kept - 1).length > max) break;
    length = withPart;
    kept++;
  }
  const shown = kept === 0 ? '' : `${parts.slice(0, kept).join(', ')}, `;
  return truncate(`${head}: ${shown}${moreStatuses(parts.length - kept)}`, max);
}

const moreStatuses = (count: number) => `…and ${count} more ${count === 1 ? 'status' : 'statuses'}`;
