import { formatUtcTime } from '../time.ts';
import { memoryLines } from './lines.ts';
import type { Memory } from './model.ts';

/** The memory facts as plain data for JSON receivers (generic webhook `history`, PagerDuty `custom_details.history`). */
export interface HistoryReport {
  /** The problem runs of this run's class in a row, including it; null when the run is not a problem. */
  readonly streak: { readonly kind: 'failure' | 'warning'; readonly count: number; readonly since: string } | null;
  readonly lastSuccessAt: string | null;
  /** The median of the earlier successful runs this run's duration is compared with; null without enough of them. */
  readonly durationBaseline: {
    readonly medianMs: number;
    readonly runs: number;
    readonly ratio: number;
    readonly unusual: boolean;
  } | null;
  /** Set when this run ended problem runs: how many and for how long. */
  readonly recoveredAfter: { readonly runs: number; readonly durationMs: number } | null;
  /** The same facts as a chat message says them, times in UTC. */
  readonly lines: string[];
}

/** What a JSON receiver learns from memory; null without history. */
export function historyReport(memory: Memory | undefined): HistoryReport | null {
  const facts = memory?.facts;
  if (!memory || !facts) return null;
  const d = facts.duration;
  return {
    streak: facts.streak && { kind: facts.streak.cls, count: facts.streak.count, since: facts.streak.since },
    lastSuccessAt: facts.streak?.lastSuccessAt ?? (facts.streak ? null : memory.endedAt),
    durationBaseline: d && {
      medianMs: d.medianMs,
      runs: d.runs,
      ratio: Math.round(d.ratio * 100) / 100,
      unusual: d.unusual,
    },
    recoveredAfter: facts.recovered && { runs: facts.recovered.runs, durationMs: facts.recovered.durationMs },
    lines: memoryLines(memory, formatUtcTime),
  };
}
