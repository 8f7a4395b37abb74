import * as z from 'zod/mini';
import type { JobSession, JobSessionQuery } from '../../core/job-session.ts';
import { count, type Dialect, query, text } from './types.ts';

/*
 * Veeam Backup for AWS REST API (port 11005). Schemas follow VeeamHub/veeam-aws-sdk-go `client/api/openapi.yaml`
 * (1.0-rev0: Session, SessionLog, SessionsPage, ProtectedItemsPage); `name`/`extendedSessionType` are seen from
 * 1.2-rev0 in a community script (UNCONFIRMED schema), so every field but `id` is optional here.
 */

/** The oldest revision serving every endpoint used (session, log, list, protected items): the published spec's. */
export const AWS_DEFAULT_VERSION = '1.0-rev0';

/**
 * `Session`: status Running/NeverExecuted/Succeeded/Warning/Failed/Canceled; result Running/Success/Warning/Failed/
 * Cancelled; `executionDuration` an integer (1.0) or a TimeSpan string (later, UNCONFIRMED); times may lack a zone.
 * @example { "id": "…uuid…", "type": "Policy", "name": "EC2 nightly", "executionStartTime": "2020-06-19T04:00:05.901095",
 *   "executionStopTime": "…", "executionDuration": 550, "status": "Failed", "result": "Failed", "reason": "Scheduled" }
 */
const AwsSessionSchema = z.looseObject({
  id: z.string(),
  type: text,
  extendedSessionType: text,
  name: text,
  policyName: text,
  policyId: text,
  executionStartTime: text,
  executionStopTime: text,
  executionDuration: z.nullish(z.union([z.string(), z.number()])),
  status: text,
  result: text,
});

/** `SessionsPage {totalCount, results, _links}` (no offset echo). */
const AwsSessionsPageSchema = z.looseObject({ totalCount: count, results: z.nullish(z.array(z.unknown())) });

/** `ProtectedItemsPage {totalCount, results: [{id, name, status Succeeded/Warning/Failed, region}]}`. */
const AwsProtectedItemsSchema = z.looseObject({
  totalCount: count,
  results: z.nullish(z.array(z.looseObject({ name: text, status: text }))),
});

/** The overall status: Canceled for either spelling, else `status` (or `result` when status is missing). */
function statusOf(status: string | null | undefined, result: string | null | undefined): string {
  const either = [status, result].map((s) => s?.trim().toLowerCase());
  if (either.includes('canceled') || either.includes('cancelled')) return 'Canceled';
  return status?.trim() || result?.trim() || 'Unknown';
}

/** Maps a `Session` into the core JobSession. */
export function awsSession(body: unknown): JobSession {
  const s = AwsSessionSchema.parse(body);
  return {
    id: s.id,
    type: s.extendedSessionType ?? s.type ?? null,
    status: statusOf(s.status, s.result),
    executionStartTime: s.executionStartTime ?? null,
    executionStopTime: s.executionStopTime ?? null,
    executionDuration: s.executionDuration ?? null,
    backupJobInfo: {
      policyId: s.policyId ?? null,
      policyName: s.name ?? s.policyName ?? null,
      policyType: s.type ?? null,
    },
  };
}

/** Veeam Backup for AWS: token under /api/v1, `x-api-version` on every call, capitalised list parameters. */
export function awsDialect(version: string): Dialect {
  return {
    product: 'aws',
    label: 'Veeam Backup for AWS',
    tokenPath: '/api/v1/token',
    grants: { password: 'password', refresh: 'refresh_token' },
    headers: { 'x-api-version': version },
    sessionPath: (id) => `/api/v1/sessions/${id}`,
    parseSession: awsSession,
    // `{sessionId, log: [LogItem]}`: the Azure entry vocabulary, so the streaming reader serves it as is.
    log: { kind: 'stream', path: (id) => `/api/v1/sessions/${id}/log` },
    listPath: (q: JobSessionQuery) =>
      `/api/v1/sessions${query({
        Offset: q.Offset,
        Limit: q.Limit,
        FromUtc: q.FromUtc,
        ToUtc: q.ToUtc,
        Types: q.Types,
        Status: q.Status,
        Sort: 'stopTimeAsc',
      })}`,
    parsePage: (body) => {
      const page = AwsSessionsPageSchema.parse(body);
      const results = (page.results ?? []).map(awsSession);
      return { offset: null, limit: null, totalCount: page.totalCount ?? null, served: results.length, results };
    },
    filtersOnEndTime: false,
    objects: {
      noun: 'instances',
      path: (id) => `/api/v1/sessions/${id}/protectedItems${query({ Offset: 0, Limit: 1000 })}`,
      parse: (body) => {
        const page = AwsProtectedItemsSchema.parse(body);
        const items = (page.results ?? []).map((r) => ({ name: r.name ?? '', status: r.status ?? '' }));
        return { items, total: page.totalCount ?? null };
      },
    },
  };
}
