import type { IncomingHttpHeaders } from 'node:http';
import * as z from 'zod/mini';
import { NotifierError, SourceApiError } from '../errors.ts';
import {
  isTimeoutError,
  isTransientNetworkError,
  isTransientStatus,
  type RetryVerdict,
  tlsCertificateErrorCode,
} from '../http/retry.ts';
import { quoteServerText } from '../redact.ts';

/** An appliance answer with its whole body read. */
export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/**
 * RFC 7807 problem details as the appliance sends them (backup-api.md §4).
 * @example { "type": "…", "title": "Not Found", "status": 404, "detail": "…", "traceId": "…" }
 */
const ProblemSchema = z.looseObject({
  title: z.optional(z.unknown()),
  detail: z.optional(z.unknown()),
  // Backup & Replication's `Error {errorCode, message}` and AWS's `details`.
  message: z.optional(z.unknown()),
  details: z.optional(z.unknown()),
  errors: z.optional(z.unknown()),
  licenseAgreementAcceptanceRequired: z.optional(z.unknown()),
});

/** Parses JSON, or undefined when the text is not JSON. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The problem document's title, detail and first field error, as ": title — detail", or "" when there is none. */
export function problemText(reply: Reply): string {
  const problem = ProblemSchema.safeParse(tryJson(reply.text));
  if (!problem.success) return '';
  const { title, errors } = problem.data;
  const detail = problem.data.detail ?? problem.data.details ?? problem.data.message;
  const firstError =
    typeof errors === 'object' && errors !== null
      ? Object.entries(errors)
          .map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join('; ') : String(messages)}`)
          .at(0)
      : undefined;
  // Trailing periods dropped (the text is spliced mid-sentence); a detail that repeats the title is said once.
  const parts = [quoteServerText(title), quoteServerText(detail), quoteServerText(firstError)]
    .filter((p) => p !== undefined)
    .map((p) => p.replace(/\.+$/, ''))
    .filter((p, i, all) => all.indexOf(p) === i);
  return parts.length === 0 ? '' : `: ${parts.join(' — ')}`;
}

/** A missing, unsupported or ambiguous x-api-version is a configuration problem: the message names the fix. */
export function versionHint(reply: Reply): string {
  return reply.status >= 400 && reply.status < 500 && /api.?version/i.test(reply.text)
    ? '; set BACKUP_API_VERSION to a revision this appliance supports'
    : '';
}

/** A 429/5xx answer: retryable, carrying the server's Retry-After. */
export function transientStatus(reply: Reply, what: string): SourceApiError {
  return new SourceApiError(
    'unavailable',
    `backup appliance: ${what} failed with ${reply.status}${problemText(reply)}`,
    {
      statusCode: reply.status,
      retryable: true,
      retryAfter: reply.headers['retry-after'],
    },
  );
}

/** Where a 404 was answered, e.g. "; requested GET /api/v1/jobSessions/38/log": a wrong base URL shows at once. */
export function requestedPath(method: string, path: string): string {
  return `; requested ${method} ${path.split('?')[0]}`;
}

/**
 * Maps a non-200 answer to a typed failure; `sessionId` ('' for the session list) names the session in 403/404
 * messages, and a 404 names the request (`requested`, from requestedPath): a wrong BACKUP_API_URL makes every path 404.
 */
export function statusFailure(reply: Reply, sessionId: string, what: string, requested = ''): SourceApiError {
  const { status } = reply;
  const problem = problemText(reply);
  if (isTransientStatus(status)) return transientStatus(reply, what);
  const options = { statusCode: status, problem };
  // The session list is read without a session ID: its 403/404 name the list instead.
  const [subject, guarded] =
    sessionId === ''
      ? ['the session list', 'the session list']
      : [`session ${sessionId}`, `the log of session ${sessionId}`];
  if (status === 401) {
    return new SourceApiError('unauthorized', `backup appliance rejected the access token (401)${problem}`, options);
  }
  if (status === 404) {
    return new SourceApiError(
      'not-found',
      `backup appliance: ${subject} was not found (404)${problem}${requested}`,
      options,
    );
  }
  if (status === 403) {
    const eula =
      ProblemSchema.safeParse(tryJson(reply.text)).data?.licenseAgreementAcceptanceRequired === true
        ? '; the appliance requires its license agreement to be accepted (licenseAgreementAcceptanceRequired) — sign in to its web UI once and accept it'
        : '; the account may lack the Session Log permission (Read-Only User is enough)';
    return new SourceApiError(
      'forbidden',
      `backup appliance: access to ${guarded} is forbidden (403)${problem}${eula}`,
      options,
    );
  }
  if (status >= 400 && status < 500) {
    return new SourceApiError(
      'bad-request',
      `backup appliance: ${what} was rejected (${status})${problem}${versionHint(reply)}`,
      options,
    );
  }
  return new SourceApiError(
    'invalid-response',
    `backup appliance: ${what} answered an unexpected ${status}${problem}`,
    {
      ...options,
      retryable: false,
    },
  );
}

/** A failure to reach the appliance or read its answer, as a SourceApiError saying whether another attempt may help. */
export function networkFailure(error: unknown, what: string, origin: string): SourceApiError {
  if (error instanceof SourceApiError) return error;
  const certificateCode = tlsCertificateErrorCode(error);
  if (certificateCode !== undefined) {
    return new SourceApiError(
      'unavailable',
      `backup appliance: ${what}: the TLS certificate of ${origin} is not trusted (${certificateCode}); set BACKUP_API_CA_CERT to the appliance's CA certificate (PEM)`,
      { cause: error, retryable: false },
    );
  }
  if (isTimeoutError(error)) {
    return new SourceApiError('timeout', `backup appliance: ${what}: no complete answer in time`, {
      cause: error,
      retryable: true,
    });
  }
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  const reason = code ?? (error instanceof Error ? error.name : 'unknown error');
  // Resets, refusals and DNS hiccups may pass; anything else (e.g. an invalid request) would fail the same way again.
  return new SourceApiError('unavailable', `backup appliance: ${what}: ${origin} could not be reached (${reason})`, {
    cause: error,
    retryable: isTransientNetworkError(error),
  });
}

/** The retry loop's verdict on an appliance failure: only retryable NotifierErrors, honouring Retry-After. */
export function classify(error: unknown): RetryVerdict {
  if (!(error instanceof NotifierError) || !error.retryable) return { transient: false };
  return { transient: true, retryAfter: error instanceof SourceApiError ? error.retryAfter : undefined };
}

/** True for a 401 from the appliance. */
export function isUnauthorized(error: unknown): error is SourceApiError {
  return error instanceof SourceApiError && error.failure === 'unauthorized';
}

/** A JSON body that failed to parse or validate, as the "invalid response" failure. */
export function invalidBody(what: string, error: unknown): SourceApiError {
  return new SourceApiError(
    'invalid-response',
    `backup appliance: ${what}: the body is not valid (${error instanceof SyntaxError ? 'malformed or truncated JSON' : 'unexpected shape'})`,
    { statusCode: 200, cause: error },
  );
}
