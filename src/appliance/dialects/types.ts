import * as z from 'zod/mini';
import type { JobSession, JobSessionPage, JobSessionQuery } from '../../core/job-session.ts';
import type { ObjectResult } from '../../core/objects.ts';
import type { LogItem } from '../../core/session-log.ts';
import { parseTimestamp } from '../../core/time.ts';

/** The Veeam appliance families the notifier speaks to (BACKUP_PRODUCT). */
export const ProductSchema = z.enum(['azure', 'vbr', 'aws', 'gcp']);
export type Product = z.infer<typeof ProductSchema>;

/** One page of per-object results, as the product paged it. */
export interface ObjectsPage {
  readonly items: readonly ObjectResult[];
  /** The server's total, when it said. */
  readonly total: number | null;
}

/** How a product serves a session's log. */
export type LogDialect =
  /** The `{…, log: [LogItem]}` body (Azure, AWS): streamed entry by entry. */
  | { readonly kind: 'stream'; path(id: string): string }
  /** A body of another shape, read whole and mapped to LogItems (Backup & Replication `records`). */
  | { readonly kind: 'records'; path(id: string): string; parse(body: unknown): LogItem[] }
  /** No public log endpoint (Google Cloud): the session itself is the only step, and the message says so. */
  | { readonly kind: 'session'; readonly note: string };

/**
 * Everything that differs between the products' REST APIs, behind one interface: paths, the token grant spelling,
 * the version header, and the mapping of each vendor's bodies into the core model (JobSession, LogItem, ObjectResult).
 * Paths are relative to the base URL's own path prefix.
 */
export interface Dialect {
  readonly product: Product;
  /** The product's name as messages and errors say it. */
  readonly label: string;
  readonly tokenPath: string;
  readonly grants: { readonly password: string; readonly refresh: string };
  /** Headers sent on every call, the token call included (the `x-api-version` header). */
  readonly headers: Readonly<Record<string, string>>;
  sessionPath(id: string): string;
  parseSession(body: unknown): JobSession;
  readonly log: LogDialect;
  listPath(query: JobSessionQuery): string;
  parsePage(body: unknown, query: JobSessionQuery): JobSessionPage;
  /** Whether the list's `FromUtc` filters on the session's end time (else its start time is assumed). */
  readonly filtersOnEndTime: boolean;
  /** Per-object results; absent when the product or this revision has none. */
  readonly objects?: {
    readonly noun: string;
    path(id: string): string;
    parse(body: unknown, sessionId: string): ObjectsPage;
  };
}

export const text = z.nullish(z.string());
export const count = z.nullish(z.number());

/**
 * A session's result as Backup & Replication's `SessionResultModel` spells it (Google Cloud may send the same object).
 * @example { "result": "Failed", "message": "Error: Failed to connect", "isCanceled": false }
 */
export const SessionResultSchema = z.looseObject({ result: text, message: text, isCanceled: z.nullish(z.boolean()) });

/** A `major.minor-revN` revision as a comparable number, e.g. "1.2-rev1" → 1_002_001; NaN when malformed. */
export function revisionRank(version: string): number {
  const found = /^(\d+)\.(\d+)-rev(\d+)$/.exec(version);
  if (found === null) return Number.NaN;
  const [, major = '0', minor = '0', rev = '0'] = found;
  return Number(major) * 1_000_000 + Number(minor) * 1_000 + Number(rev);
}

/** Repeats `key=value` for each value (the ASP.NET binding of array query parameters). */
export function query(params: Record<string, string | number | readonly string[] | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) search.append(key, String(v));
  }
  return search.size > 0 ? `?${search}` : '';
}

/** Keeps the sessions whose type is one of `types` (case-insensitive); all when none is asked for. */
export function ofTypes(sessions: readonly JobSession[], types: readonly string[] | undefined): JobSession[] {
  if (types === undefined || types.length === 0) return [...sessions];
  const wanted = new Set(types.map((t) => t.toLowerCase()));
  return sessions.filter((s) => typeof s.type === 'string' && wanted.has(s.type.toLowerCase()));
}

/** `end − start` in ms, when both are usable and in order (zoneless times are UTC). */
export function spanMs(start: string | null | undefined, end: string | null | undefined): number | null {
  const a = parseTimestamp(start);
  const b = parseTimestamp(end);
  return Number.isNaN(a) || Number.isNaN(b) || b < a ? null : b - a;
}
