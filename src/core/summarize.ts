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
  // Rows by case-folded status, and a cache by verbatim status so the common case skips trim/toLowerCase.
  const rows = new Map<string, CountRow>();
  const byVerbatim = new Map<string, CountRow>();
  let unknownRows = 0;
  let total = 0;
  let worstRank = NO_RANK;
  const failed: ProblemStep[] = [];
  const warnings: ProblemStep[] = [];
  let failedCount = 0;
  let warningCount = 0;
  let earliest = Number.POSITIVE_INFINITY;
  let latest = Number.NEGATIVE_INFINITY;

  function rowFor(verbatim: string): CountRow {
    const cached = byVerbatim.get(verbatim);
    if (cached !== undefined) return cached;
    const normalized = normalizeStatus(verbatim);
    const key = normalized.status.toLowerCase();
    let row = rows.get(key);
    if (row === undefined) {
      const unknown = normalized.severity === 'unknown' && key !== 'unknown';
      if (unknown && unknownRows >= MAX_UNKNOWN_STATUS_ROWS) {
        row = rows.get(OTHER_STATUSES_LABEL.toLowerCase());
        if (row === undefined) {
          row = { status: OTHER_STATUSES_LABEL, severity: 'unknown', count: 0, firstSeen: total };
          rows.set(OTHER_STATUSES_LABEL.toLowerCase(), row);
        }
        // Not cached: an unbounded stream of distinct junk statuses must not grow the cache either.
        return row;
      }
      if (unknown) unknownRows++;
      row = { status: normalized.status, severity: normalized.severity, count: 0, firstSeen: total };
      rows.set(key, row);
    }
    if (byVerbatim.size < 4 * MAX_UNKNOWN_STATUS_ROWS) byVerbatim.set(verbatim, row);
    return row;
  }

  function addTimes(item: LogItem): number {
    // logTime is parsed only when needed: Date.parse is the dominant per-entry cost.
    let start = parseTimestamp(item.executionStartTime);
    let logTime: number | undefined;
    if (Number.isNaN(start)) {
      logTime = parseTimestamp(item.logTime);
      start = logTime;
    }
    if (Number.isNaN(start)) return start;
    if (start < earliest) earliest = start;
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
    if (end > latest) latest = end;
    return start;
  }

  return {
    add(item: LogItem): void {
      const row = rowFor(item.status);
      row.count++;
      total++;
      const rank = severityRank(row.severity);
      if (rank < worstRank) worstRank = rank;
      const start = addTimes(item);
      if (row.severity === 'failed') {
        failedCount++;
        if (failed.length < MAX_PROBLEMS_KEPT) failed.push(problem('failed', item, start));
      } else if (row.severity === 'warning') {
        warningCount++;
        if (warnings.length < MAX_PROBLEMS_KEPT) warnings.push(problem('warning', item, start));
      }
    },

    finish(): Summary {
      const counts: StatusCount[] = [...rows.values()]
        .sort(
          (a, b) =>
            b.count - a.count || severityRank(a.severity) - severityRank(b.severity) || a.firstSeen - b.firstSeen,
        )
        .map(({ status, severity, count }) => ({ status, severity, count }));
      const timed = Number.isFinite(earliest);
      return {
        sessionId,
        totalSteps: total,
        counts,
        worst: SEVERITY_ORDER[worstRank] ?? null,
        problems: [...failed, ...warnings],
        failedCount,
        warningCount,
        durationMs: timed ? Math.round(latest - earliest) : null,
        startedAt: timed ? new Date(earliest).toISOString() : null,
        endedAt: timed ? new Date(latest).toISOString() : null,
      };
    },
  };
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
  const parts: string[] = [];
  let length = head.length + 2;
  for (let i = 0; i < summary.counts.length; i++) {
    const row = summary.counts[i];
    if (row === undefined) break;
    const part = `${row.count} ${truncate(row.status, 60)}`;
    const remaining = summary.counts.length - i - 1;
    const tail = remaining > 0 ? `, …and ${remaining} more statuses`.length : 0;
    if (length + part.length + 2 + tail > max) {
      const more = summary.counts.length - i;
      const text = `${head}: ${parts.join(', ')}${parts.length > 0 ? ', ' : ''}…and ${more} more ${more === 1 ? 'status' : 'statuses'}`;
      return truncate(text, max);
    }
    parts.push(part);
    length += part.length + 2;
  }
  return truncate(`${head}: ${parts.join(', ')}`, max);
}
