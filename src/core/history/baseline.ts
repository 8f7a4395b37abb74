import type { HistoryFacts, Run } from './model.ts';

/** The defaults: "unusual" is at least 3× (or at most a third of) the median of at least 5 earlier successful runs. */
export const DEFAULT_ANOMALY_FACTOR = 3;
export const DEFAULT_BASELINE_MIN_RUNS = 5;

export interface BaselineOptions {
  /** DURATION_ANOMALY_FACTOR: how many times the median (or a 1/factor share of it) counts as unusual. */
  readonly factor: number;
  /** How many earlier successful runs with a duration a median needs before it means anything. */
  readonly minRuns: number;
}

/** The middle value (mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

/**
 * Compares a run's duration with the median of `earlier` successful runs; null when the duration is unknown, the
 * median is zero, or fewer than `minRuns` successful runs have a duration.
 */
export function durationFact(
  ms: number | null,
  earlier: readonly Run[],
  options: BaselineOptions,
): HistoryFacts['duration'] {
  if (ms === null) return null;
  const durations = earlier.flatMap((r) => (r.cls === 'success' && r.durationMs !== null ? [r.durationMs] : []));
  if (durations.length < options.minRuns) return null;
  const medianMs = median(durations);
  if (!(medianMs > 0)) return null;
  const ratio = ms / medianMs;
  return {
    ms,
    medianMs,
    runs: durations.length,
    ratio,
    unusual: ratio >= options.factor || ratio <= 1 / options.factor,
  };
}

const BARS = '▁▂▃▄▅▆▇█';

/** A duration trend as a sparkline, oldest first: the shortest run is ▁, the longest █; unknown durations are a space. */
export function sparkline(durations: readonly (number | null)[]): string {
  const known = durations.filter((d): d is number => d !== null);
  if (known.length === 0) return '';
  const low = Math.min(...known);
  const span = Math.max(...known) - low;
  return durations
    .map((d) => {
      if (d === null) return ' ';
      const step = span === 0 ? 0 : Math.round(((d - low) / span) * (BARS.length - 1));
      return BARS[step] ?? '▁';
    })
    .join('');
}
