import * as z from 'zod/mini';

const nullableText = z.nullish(z.string());
const nullableBytes = z.nullish(z.number());

/**
 * A session's processing statistics, where the product reports them (Backup & Replication 1.3-rev2 `progress`).
 * @example { "processedSize": 128849018880, "readSize": 85899345920, "transferredSize": 42949672960,
 *            "processingRate": "50 MB/s", "bottleneck": "Source", "duration": "00:15:30" }
 */
export const SessionProgressSchema = z.looseObject({
  processedSize: nullableBytes,
  readSize: nullableBytes,
  transferredSize: nullableBytes,
  processingRate: nullableText,
  bottleneck: nullableText,
  duration: nullableText,
});
export type SessionProgress = z.infer<typeof SessionProgressSchema>;

/**
 * A job session as `GET /api/{version}/jobSessions/{id}` returns it (backup-api.md §2). Tolerant: only `status` is required.
 * @example { "id": "77", "type": "PolicyBackup", "localizedType": "Backup", "status": "Error",
 *            "executionStartTime": "2026-11-25T02:00:00Z", "executionStopTime": "2026-11-25T02:06:32Z",
 *            "backupJobInfo": { "policyName": "Nightly-Azure-VMs" } }
 */
export const JobSessionSchema = z.looseObject({
  id: z.nullish(z.union([z.string(), z.number()])),
  type: nullableText,
  localizedType: nullableText,
  status: z.string(),
  executionStartTime: nullableText,
  executionStopTime: nullableText,
  executionDuration: z.nullish(z.union([z.string(), z.number()])),
  backupJobInfo: z.nullish(
    z.looseObject({ policyId: nullableText, policyName: nullableText, policyType: nullableText }),
  ),
  // The job's own result line (Backup & Replication `result.message`), mapped by the product dialects.
  resultMessage: nullableText,
  progress: z.nullish(SessionProgressSchema),
});
export type JobSession = z.infer<typeof JobSessionSchema>;

/**
 * One page of `GET /api/{version}/jobSessions`: `results` plus the paging the server actually applied.
 * @example { "offset": 0, "limit": 100, "totalCount": 250, "results": [ ...JobSession ] }
 */
export const JobSessionPageSchema = z.looseObject({
  offset: z.nullish(z.number()),
  limit: z.nullish(z.number()),
  totalCount: z.nullish(z.number()),
  results: z.nullish(z.array(JobSessionSchema)),
  // How many sessions the server put on this page before any client-side filter (the next offset counts these).
  served: z.nullish(z.number()),
});
export type JobSessionPage = z.infer<typeof JobSessionPageSchema>;

/** Filters of the session list; keys are sent exactly as the appliance spells them (case-sensitive). */
export interface JobSessionQuery {
  readonly Offset?: number;
  readonly Limit?: number;
  readonly FromUtc?: string;
  readonly ToUtc?: string;
  readonly Types?: readonly string[];
  readonly Status?: readonly string[];
}
