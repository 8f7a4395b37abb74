import { SEVERITY_ORDER, type Severity } from './summary.ts';

/** A log status as the summary shows it: a canonical label plus how bad it is. */
export interface NormalizedStatus {
  /** Canonical spelling for known statuses ("Success"), the trimmed input for unknown ones. */
  readonly status: string;
  readonly severity: Severity;
}

// VBAzure JobStatus values plus the VBAWS/VBR spellings (Failed, Succeeded, Cancelled); keys are lower case.
const KNOWN: ReadonlyMap<string, NormalizedStatus> = new Map(
  (
    [
      ['Success', 'success'],
      ['Succeeded', 'success'],
      ['Warning', 'warning'],
      ['RunningWithWarning', 'warning'],
      ['Error', 'failed'],
      ['Failed', 'failed'],
      ['RunningWithError', 'failed'],
      ['Canceled', 'canceled'],
      ['Cancelled', 'canceled'],
      ['Canceling', 'canceled'],
      ['Running', 'running'],
      ['Pending', 'running'],
      ['NeverExecuted', 'running'],
      ['Unknown', 'unknown'],
      // An informational log line (Backup & Replication records with status None): neither good nor bad news.
      ['Info', 'success'],
    ] as const
  ).map(([status, severity]) => [status.toLowerCase(), Object.freeze({ status, severity })]),
);

const EMPTY_STATUS: NormalizedStatus = Object.freeze({ status: 'Unknown', severity: 'unknown' });

const RANK: Readonly<Record<Severity, number>> = Object.fromEntries(SEVERITY_ORDER.map((s, i) => [s, i])) as Record<
  Severity,
  number
>;

/** Maps a verbatim status to its canonical label and severity, case-insensitively; unknown values keep their text. */
export function normalizeStatus(raw: string): NormalizedStatus {
  const trimmed = raw.trim();
  if (trimmed === '') return EMPTY_STATUS;
  return KNOWN.get(trimmed.toLowerCase()) ?? { status: trimmed, severity: 'unknown' };
}

/** Position of a severity in SEVERITY_ORDER: 0 is the worst. */
export function severityRank(severity: Severity): number {
  return RANK[severity];
}

/** The worse of two severities per SEVERITY_ORDER; null counts as "nothing seen yet". */
export function worseOf(a: Severity | null, b: Severity | null): Severity | null {
  if (a === null) return b;
  if (b === null) return a;
  return RANK[a] <= RANK[b] ? a : b;
}

/** The worst severity of a list per SEVERITY_ORDER, or null when the list is empty. */
export function worstOf(severities: Iterable<Severity>): Severity | null {
  let worst: Severity | null = null;
  for (const severity of severities) worst = worseOf(worst, severity);
  return worst;
}

/** How a chat message names an outcome: an emoji and a few words. */
export interface OutcomeWords {
  readonly emoji: string;
  readonly words: string;
}

const OUTCOMES: Readonly<Record<Severity, OutcomeWords>> = {
  failed: { emoji: '❌', words: 'Failed' },
  warning: { emoji: '⚠️', words: 'Finished with warnings' },
  unknown: { emoji: '❔', words: 'Unknown status' },
  canceled: { emoji: '⏹️', words: 'Canceled' },
  running: { emoji: '⏳', words: 'Still running' },
  success: { emoji: '✅', words: 'Succeeded' },
};

const NO_ENTRIES: OutcomeWords = { emoji: '📭', words: 'No log entries' };

/** The outcome a reader sees for a session whose worst step severity is `worst` (null: the log was empty). */
export function describeOutcome(worst: Severity | null): OutcomeWords {
  return worst === null ? NO_ENTRIES : OUTCOMES[worst];
}
