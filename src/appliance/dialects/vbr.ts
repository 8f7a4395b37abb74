import * as z from 'zod/mini';
import type { JobSession, JobSessionQuery } from '../../core/job-session.ts';
import type { LogItem } from '../../core/session-log.ts';
import { parseTimestamp } from '../../core/time.ts';
import { count, type Dialect, ofTypes, query, revisionRank, SessionResultSchema, spanMs, text } from './types.ts';

/*
 * Veeam Backup & Replication REST API (port 9419). Schemas follow the published OpenAPI files: VeeamHub/veeam-vbr-sdk-go
 * (1.1-rev0) and Cenvora/veeam-br vbr_rest_1.2-rev1 … 1.3-rev2 (SessionModel, SessionLogResult, TaskSessionsResult).
 */

/** The oldest revision serving every endpoint used: session, logs, the filtered list and per-VM task sessions (12.3.1). */
export const VBR_DEFAULT_VERSION = '1.2-rev1';
// Task sessions appeared in 1.2-rev1; 1.1-rev0 (12.0) has none.
const TASK_SESSIONS_SINCE = revisionRank('1.2-rev1');

/**
 * `SessionModel` (1.3-rev2; 1.1-rev0 has `activityId` instead of `jobId`; `progress` is 1.3-rev2 only).
 * @example { "id": "…uuid…", "name": "Nightly SQL", "jobId": "…", "sessionType": "BackupJob",
 *   "creationTime": "2023-12-04T06:13:34.983+01:00", "endTime": "…", "state": "Stopped",
 *   "result": { "result": "Failed", "message": "Error: Failed to connect", "isCanceled": false } }
 */
const VbrSessionSchema = z.looseObject({
  id: z.string(),
  name: text,
  jobId: text,
  activityId: text,
  sessionType: text,
  creationTime: text,
  endTime: text,
  state: text,
  result: z.nullish(SessionResultSchema),
  progress: z.nullish(
    z.looseObject({
      duration: text,
      processingRate: text,
      bottleneck: text,
      processedSize: count,
      readSize: count,
      transferredSize: count,
    }),
  ),
});

/** `SessionsResult {data, pagination {total, count, skip, limit}}`. */
const VbrSessionsPageSchema = z.looseObject({
  data: z.nullish(z.array(z.unknown())),
  pagination: z.nullish(z.looseObject({ total: count, count, skip: count, limit: count })),
});

/**
 * `SessionLogResult {totalRecords, records}`; record status is None/Succeeded/Warning/Failed.
 * @example { "totalRecords": 2, "records": [{ "id": 2, "status": "Failed", "startTime": "…", "updateTime": "…",
 *   "title": "Processing db-01 Error: Failed to create snapshot", "description": "" }] }
 */
const VbrLogSchema = z.looseObject({
  totalRecords: count,
  records: z.nullish(
    z.array(
      z.looseObject({
        id: z.nullish(z.number()),
        status: text,
        startTime: text,
        updateTime: text,
        title: text,
        description: text,
      }),
    ),
  ),
});

/** `TaskSessionsResult {data: [BackupTaskSessionModel …], pagination}`; `name` is the VM or object. */
const VbrTaskSessionsSchema = z.looseObject({
  data: z.nullish(z.array(z.looseObject({ name: text, state: text, result: z.nullish(SessionResultSchema) }))),
  pagination: z.nullish(z.looseObject({ total: count })),
});

/** The overall status in the core vocabulary: Canceled when `isCanceled`, Running until `Stopped`, else the result. */
function statusOf(
  state: string | null | undefined,
  result: z.infer<typeof SessionResultSchema> | null | undefined,
): string {
  if (result?.isCanceled === true) return 'Canceled';
  if (state && state.trim().toLowerCase() !== 'stopped') return 'Running';
  return result?.result?.trim() || 'Unknown';
}

/** Maps a `SessionModel` into the core JobSession. */
export function vbrSession(body: unknown): JobSession {
  const s = VbrSessionSchema.parse(body);
  return {
    id: s.id,
    type: s.sessionType ?? null,
    status: statusOf(s.state, s.result),
    executionStartTime: s.creationTime ?? null,
    executionStopTime: s.endTime ?? null,
    executionDuration: s.progress?.duration ?? null,
    backupJobInfo: { policyId: s.jobId ?? s.activityId ?? null, policyName: s.name ?? null, policyType: null },
    resultMessage: s.result?.message ?? null,
    progress: s.progress ?? null,
  };
}

/** Maps log records into LogItems, oldest first (the API does not promise an order). */
export function vbrLog(body: unknown): LogItem[] {
  const records = [...(VbrLogSchema.parse(body).records ?? [])];
  const at = (time: string | null | undefined): number => {
    const ms = parseTimestamp(time);
    return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
  };
  records.sort((a, b) => at(a.startTime) - at(b.startTime) || (a.id ?? 0) - (b.id ?? 0));
  return records.map((r) => {
    const title = r.title?.trim() ?? '';
    const description = r.description?.trim() ?? '';
    const status = r.status?.trim() ?? '';
    return {
      // A record without a status is an informational line, not an unknown outcome.
      status: status === '' || status.toLowerCase() === 'none' ? 'Info' : status,
      message: description === '' || description === title ? title : `${title}: ${description}`,
      executionStartTime: r.startTime ?? null,
      logTime: r.updateTime ?? null,
      executionDuration: spanMs(r.startTime, r.updateTime),
    };
  });
}

/** Veeam Backup & Replication: `x-api-version` on every call, lowercase grants, sessions under /api/v1. */
export function vbrDialect(version: string): Dialect {
  return {
    product: 'vbr',
    label: 'Veeam Backup & Replication',
    tokenPath: '/api/oauth2/token',
    // Lowercase is what every documented revision accepted (1.3-rev1+ specs spell "Password"; matching is UNCONFIRMED).
    grants: { password: 'password', refresh: 'refresh_token' },
    headers: { 'x-api-version': version },
    sessionPath: (id) => `/api/v1/sessions/${id}`,
    parseSession: vbrSession,
    log: { kind: 'records', path: (id) => `/api/v1/sessions/${id}/logs`, parse: vbrLog },
    listPath: (q: JobSessionQuery) =>
      `/api/v1/sessions${query({
        skip: q.Offset,
        limit: q.Limit,
        orderColumn: 'EndTime',
        orderAsc: 'true',
        endedAfterFilter: q.FromUtc,
        endedBeforeFilter: q.ToUtc,
        stateFilter: 'Stopped',
        // A single value is valid in every revision (an array only from 1.3-rev2); several are filtered here.
        typeFilter: q.Types?.length === 1 ? q.Types[0] : undefined,
      })}`,
    parsePage: (body, q) => {
      const page = VbrSessionsPageSchema.parse(body);
      const sessions = (page.data ?? []).map(vbrSession);
      return {
        offset: page.pagination?.skip ?? null,
        limit: page.pagination?.limit ?? null,
        totalCount: page.pagination?.total ?? null,
        served: sessions.length,
        results: ofTypes(sessions, q.Types),
      };
    },
    filtersOnEndTime: true,
    ...(revisionRank(version) >= TASK_SESSIONS_SINCE
      ? {
          objects: {
            noun: 'machines',
            path: (id: string) => `/api/v1/sessions/${id}/taskSessions`,
            parse: (body: unknown) => {
              const page = VbrTaskSessionsSchema.parse(body);
              const items = (page.data ?? []).map((t) => ({
                name: t.name ?? '',
                status: statusOf(t.state ?? 'Stopped', t.result),
              }));
              return { items, total: page.pagination?.total ?? null };
            },
          },
        }
      : {}),
  };
}
