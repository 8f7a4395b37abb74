import * as z from 'zod/mini';
import type { JobSession, JobSessionQuery } from '../../core/job-session.ts';
import { count, type Dialect, ofTypes, query, SessionResultSchema, text } from './types.ts';

/*
 * Veeam Backup for Google Cloud REST API (port 13140). No OpenAPI file is public: paths and parameters follow the
 * help-center reference (v7: /api/v1/token, /api/v1/sessions, lowercase filter/orderby/offset/limit); the session's
 * fields follow a community script (id, name, sessionType, result, creationTimeUtc, endTimeUtc) and are UNCONFIRMED,
 * so every plausible spelling is accepted. No session-log endpoint was found in any public source.
 */

/** The oldest revision both documented product versions accept (5.0: 1.2–1.3; 6.0: 1.1–1.4). */
export const GCP_DEFAULT_VERSION = '1.2-rev0';

export const GCP_NOTE =
  'Step details are not available for Veeam Backup for Google Cloud (it publishes no session-log endpoint): this message is built from the session alone.';

/**
 * A session as the list and `GET /sessions/{id}` return it (fields UNCONFIRMED beyond the script's).
 * @example { "id": "…uuid…", "name": "VM policy", "sessionType": "PolicyBackup", "result": "Failed",
 *   "creationTimeUtc": "2026-11-25T02:00:00Z", "endTimeUtc": "2026-11-25T02:10:00Z" }
 */
const GcpSessionSchema = z.looseObject({
  id: z.string(),
  name: text,
  policyName: text,
  policyId: text,
  sessionType: text,
  type: text,
  status: text,
  state: text,
  result: z.nullish(z.union([z.string(), SessionResultSchema])),
  message: text,
  resultMessage: text,
  creationTimeUtc: text,
  startTimeUtc: text,
  creationTime: text,
  endTimeUtc: text,
  endTime: text,
});

/** `{data, pagination}`: the docs name offset/limit/totalCount, the script reads `total`; both accepted. */
const GcpSessionsPageSchema = z.looseObject({
  data: z.nullish(z.array(z.unknown())),
  pagination: z.nullish(z.looseObject({ total: count, totalCount: count, offset: count, skip: count, limit: count })),
});

const FINISHED = new Set(['success', 'succeeded', 'warning', 'failed', 'error', 'canceled', 'cancelled']);

/** Maps a session into the core JobSession: canceled for either spelling, Running while no end time or result. */
export function gcpSession(body: unknown): JobSession {
  const s = GcpSessionSchema.parse(body);
  const result = typeof s.result === 'string' ? { result: s.result, message: null, isCanceled: null } : s.result;
  const verdict = s.status?.trim() || result?.result?.trim() || s.state?.trim() || '';
  const end = s.endTimeUtc ?? s.endTime ?? null;
  let status = verdict === '' ? 'Unknown' : verdict;
  if (result?.isCanceled === true || /^cancel+ed$/i.test(verdict)) status = 'Canceled';
  else if (end === null && !FINISHED.has(verdict.toLowerCase())) status = 'Running';
  return {
    id: s.id,
    type: s.sessionType ?? s.type ?? null,
    status,
    executionStartTime: s.creationTimeUtc ?? s.startTimeUtc ?? s.creationTime ?? null,
    executionStopTime: end,
    executionDuration: null,
    backupJobInfo: { policyId: s.policyId ?? null, policyName: s.name ?? s.policyName ?? null, policyType: null },
    resultMessage: result?.message ?? s.resultMessage ?? s.message ?? null,
  };
}

/** Veeam Backup for Google Cloud: token under /api/v1, `x-api-version`, JSON filter/orderby, no log endpoint. */
export function gcpDialect(version: string): Dialect {
  return {
    product: 'gcp',
    label: 'Veeam Backup for Google Cloud',
    tokenPath: '/api/v1/token',
    grants: { password: 'password', refresh: 'refresh_token' },
    headers: { 'x-api-version': version },
    sessionPath: (id) => `/api/v1/sessions/${id}`,
    parseSession: gcpSession,
    log: { kind: 'session', note: GCP_NOTE },
    listPath: (q: JobSessionQuery) => {
      const filter = [
        q.FromUtc && { property: 'creationTimeUtc', operator: 'greaterThanOrEqual', value: q.FromUtc },
        q.ToUtc && { property: 'creationTimeUtc', operator: 'lessThanOrEqual', value: q.ToUtc },
      ].filter(Boolean);
      return `/api/v1/sessions${query({
        offset: q.Offset,
        limit: q.Limit,
        filter: filter.length > 0 ? JSON.stringify(filter) : undefined,
        orderby: JSON.stringify([{ property: 'creationTimeUtc', direction: 'ASC' }]),
      })}`;
    },
    parsePage: (body, q) => {
      const page = GcpSessionsPageSchema.parse(body);
      const sessions = (page.data ?? []).map(gcpSession);
      const p = page.pagination;
      return {
        offset: p?.offset ?? p?.skip ?? null,
        limit: p?.limit ?? null,
        totalCount: p?.totalCount ?? p?.total ?? null,
        served: sessions.length,
        // Session types are UNCONFIRMED for this product: filtered here, case-insensitively.
        results: ofTypes(sessions, q.Types),
      };
    },
    filtersOnEndTime: false,
  };
}
