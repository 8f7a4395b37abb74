import * as z from 'zod/mini';

/**
 * One entry of a job session log. Tolerant: extra fields pass, most fields may be null or absent.
 * @example { "logTime": "2020-02-05T10:43:57.039827Z", "status": "Success", "message": "Backup plan creation has finished",
 *            "executionStartTime": "2020-02-05T10:43:57.039845Z", "executionDuration": "00:02:33.8496840" }
 * @see ../shared/docs/backup-api.md §2 (LogItem) and log-endpoint-reference.txt
 */
export const LogItemSchema = z.looseObject({
  logTime: z.nullish(z.string()),
  // Kept verbatim: statuses are normalised case-insensitively later, and unknown values are counted, never dropped.
  status: z.string(),
  message: z.nullish(z.string()),
  resourceHashId: z.nullish(z.string()),
  executionStartTime: z.nullish(z.string()),
  // A .NET TimeSpan string ("1.02:03:04.5000000") or integer milliseconds (sibling products).
  executionDuration: z.nullish(z.union([z.string(), z.number()])),
});
export type LogItem = z.infer<typeof LogItemSchema>;

/**
 * The body of `GET /api/{version}/jobSessions/{id}/log`. A null or missing `log` is an empty log.
 * @example { "jobSessionId": "38", "log": [ ...LogItem ] }
 */
export const SessionLogSchema = z.looseObject({
  jobSessionId: z.nullish(z.union([z.string(), z.number()])),
  log: z.nullish(z.array(LogItemSchema)),
});
export type SessionLog = z.infer<typeof SessionLogSchema>;

const isNullishText = (value: unknown): boolean => value === undefined || value === null || typeof value === 'string';

/**
 * Exactly LogItemSchema's acceptance test, without building a copy: the per-entry check of a 100k-entry log.
 * Callers fall back to LogItemSchema.safeParse when it says no, for the error (test/unit: equivalence property).
 */
export function isLogItem(value: unknown): value is LogItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const item = value as Record<string, unknown>;
  const duration = item.executionDuration;
  return (
    typeof item.status === 'string' &&
    isNullishText(item.logTime) &&
    isNullishText(item.message) &&
    isNullishText(item.resourceHashId) &&
    isNullishText(item.executionStartTime) &&
    (isNullishText(duration) || (typeof duration === 'number' && Number.isFinite(duration)))
  );
}

/** Receives validated log entries one at a time, so a 100k-entry log never has to sit in memory whole. */
export interface LogSink<T> {
  add(item: LogItem): void;
  /** Called once after the last entry. `jobSessionId` is what the appliance said, when it said it. */
  finish(jobSessionId: string | null): T;
}
