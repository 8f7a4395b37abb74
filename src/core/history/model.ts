import * as z from 'zod/mini';

/**
 * What a finished session counts as in a policy's memory: the outcome class a reader compares runs by.
 * @example "failure"
 */
export const RunClassSchema = z.enum(['success', 'warning', 'failure', 'other']);
export type RunClass = z.infer<typeof RunClassSchema>;

/** The classes that open or extend a streak (a run of problems a reader is waiting to see end). */
export type ProblemClass = 'failure' | 'warning';

const iso = z.string().check(z.minLength(1));

/**
 * What a message says from memory, computed once when the session is recorded and kept with it, so a redelivered
 * session says exactly the same; null fields mean "nothing to say".
 * @example { "change": true, "streak": { "cls": "failure", "count": 1, "since": "…", "lastSuccessAt": "…" }, … }
 */
export const HistoryFactsSchema = z.object({
  /** The outcome class differs from the previous run's (first failure, first warning, recovery). */
  change: z.boolean(),
  /** This run is a problem: how many of its class in a row, since when, and the last success before them. */
  streak: z.nullable(
    z.object({
      cls: z.enum(['failure', 'warning']),
      count: z.number(),
      since: iso,
      lastSuccessAt: z.nullable(iso),
    }),
  ),
  /** The first problem of its class: how many runs of the previous class came before it. */
  after: z.nullable(z.object({ cls: RunClassSchema, count: z.number() })),
  /** This run is a success that ends problem runs: how many, of which class ("problem" when mixed), for how long. */
  recovered: z.nullable(
    z.object({
      cls: z.enum(['failure', 'warning', 'problem']),
      runs: z.number(),
      since: iso,
      durationMs: z.number(),
      /** The Slack thread of the problem runs, when one was posted. */
      threadTs: z.nullable(z.string()),
    }),
  ),
  /** The run's duration against the median of earlier successful runs; null without enough of them. */
  duration: z.nullable(
    z.object({
      ms: z.number(),
      medianMs: z.number(),
      runs: z.number(),
      ratio: z.number(),
      unusual: z.boolean(),
    }),
  ),
});
export type HistoryFacts = z.infer<typeof HistoryFactsSchema>;

/** One finished session as the memory keeps it. */
export const RunSchema = z.object({
  sessionId: z.string(),
  cls: RunClassSchema,
  durationMs: z.nullable(z.number()),
  endedAt: iso,
  /** What its message said from memory; null for the policy's first recorded run. */
  facts: z.nullable(HistoryFactsSchema),
});
export type Run = z.infer<typeof RunSchema>;

/**
 * A policy's memory: its last runs (newest first), the last success, and the problem runs still open.
 * @example { "runs": [ … ], "lastSuccess": { "at": "2026-11-27T01:17:00Z", "sessionId": "51" }, "successesInRow": 0, "open": { … } }
 */
export const PolicyHistorySchema = z.object({
  runs: z.array(RunSchema),
  lastSuccess: z.nullable(z.object({ at: iso, sessionId: z.string() })),
  /** Successes since the last problem run (not capped by the runs kept). */
  successesInRow: z.number(),
  /** Problem runs since the last success, with the Slack thread that follows them. */
  open: z.nullable(
    z.object({
      since: iso,
      sessionId: z.string(),
      runs: z.number(),
      failures: z.number(),
      cls: z.enum(['failure', 'warning']),
      /** Runs of `cls` in a row at the end of the open problem runs. */
      classRuns: z.number(),
      threadTs: z.nullable(z.string()),
    }),
  ),
});
export type PolicyHistory = z.infer<typeof PolicyHistorySchema>;

/** Whose memory: a policy on an appliance ("default" until appliances are named). */
export interface HistoryKey {
  readonly appliance: string;
  readonly policy: string;
}

/** What a notification carries from memory: its key (for the Slack thread), and the facts (null: no history yet). */
export interface Memory {
  readonly key: HistoryKey;
  /** The run's end time: "3 days ago" is counted from it, so a redelivered message says the same. */
  readonly endedAt: string;
  readonly facts: HistoryFacts | null;
  /** The open problem runs' Slack thread when this run belongs to them (read at send time, not stored with the run). */
  readonly thread: { readonly ts: string | null; readonly since: string; readonly runs: number } | null;
}

/** How many finished sessions a policy's memory keeps. */
export const MAX_RUNS_KEPT = 30;

/** The memory of a policy that has none yet. */
export const EMPTY_HISTORY: PolicyHistory = { runs: [], lastSuccess: null, successesInRow: 0, open: null };
