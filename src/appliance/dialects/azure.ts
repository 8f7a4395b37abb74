import * as z from 'zod/mini';
import { JobSessionPageSchema, type JobSessionQuery, JobSessionSchema } from '../../core/job-session.ts';
import type { Dialect } from './types.ts';
import { query, text } from './types.ts';

/**
 * One protected resource of a backup session (VB for Azure 8.1 `ProtectedItem`): the resource and its policy runs.
 * @example { "resource": { "name": "db-01" }, "runs": [{ "jobSessionId": "77", "status": "Error" }], "failureCount": 1 }
 */
const ProtectedItemSchema = z.looseObject({
  resource: z.nullish(z.looseObject({ name: text, displayName: text })),
  runs: z.nullish(z.array(z.looseObject({ jobSessionId: z.nullish(z.union([z.string(), z.number()])), status: text }))),
  successCount: z.nullish(z.number()),
  failureCount: z.nullish(z.number()),
});
const ProtectedItemsPageSchema = z.looseObject({
  totalCount: z.nullish(z.number()),
  results: z.nullish(z.array(ProtectedItemSchema)),
});

/** Veeam Backup for Microsoft Azure: the version is a path segment (`/api/v1/jobSessions`), no version header. */
export function azureDialect(version: string): Dialect {
  const base = `/api/${encodeURIComponent(version)}/jobSessions`;
  return {
    product: 'azure',
    label: 'Veeam Backup for Microsoft Azure',
    tokenPath: '/api/oauth2/token',
    grants: { password: 'Password', refresh: 'Refresh_token' },
    headers: {},
    sessionPath: (id) => `${base}/${id}`,
    parseSession: (body) => JobSessionSchema.parse(body),
    log: { kind: 'stream', path: (id) => `${base}/${id}/log` },
    listPath: (q: JobSessionQuery) =>
      `${base}${query({ Offset: q.Offset, Limit: q.Limit, FromUtc: q.FromUtc, ToUtc: q.ToUtc, Types: q.Types, Status: q.Status })}`,
    parsePage: (body) => JobSessionPageSchema.parse(body),
    filtersOnEndTime: false,
    objects: {
      noun: 'resources',
      path: (id) => `${base}/${id}/protectedItems${query({ Offset: 0, Limit: 1000 })}`,
      parse: (body, sessionId) => {
        const page = ProtectedItemsPageSchema.parse(body);
        const items = (page.results ?? []).map((item) => {
          const run = item.runs?.find((r) => String(r.jobSessionId) === sessionId) ?? item.runs?.at(-1);
          const status =
            run?.status ?? ((item.failureCount ?? 0) > 0 ? 'Failed' : (item.successCount ?? 0) > 0 ? 'Success' : '');
          return { name: item.resource?.displayName ?? item.resource?.name ?? '', status };
        });
        return { items, total: page.totalCount ?? null };
      },
    },
  };
}
