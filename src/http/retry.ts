import { setTimeout as sleepFor } from 'node:timers/promises';
import { countAttempt } from '../attempts.ts';
import type { Deadline } from '../ports.ts';

/**
 * The one retry policy for every outbound call (appliance API, webhooks): exponential backoff with full jitter,
 * `Retry-After` honoured, each attempt's timeout and each sleep bounded by the invocation's Deadline.
 */

/** Defaults of the policy; callers override them per client (tests use tiny delays). */
export const RETRY_DEFAULTS = {
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  perAttemptTimeoutMs: 10_000,
  // An attempt with less time than this left could not even finish a TLS handshake: don't start it.
  minAttemptMs: 100,
} as const;

const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** True for the statuses worth another attempt (429, 500, 502, 503, 504); every other status is permanent. */
export function isTransientStatus(statusCode: number): boolean {
  return TRANSIENT_STATUSES.has(statusCode);
}

// RFC 9110 HTTP-date in any of its three forms starts with a day name; Date.parse alone would accept "2024".
const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s/i;

/** Milliseconds a `Retry-After` value asks to wait (delta-seconds or HTTP-date, relative to `now`), or undefined when absent or malformed. */
export function parseRetryAfter(value: string | readonly string[] | null | undefined, now: number): number | undefined {
  const text = (typeof value === 'string' ? value : value?.[0])?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text), 86_400) * 1000;
  if (!HTTP_DATE.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Backoff settings (milliseconds). */
export interface BackoffOptions {
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Uniform [0, 1); injectable so tests can pin the jitter. */
  readonly random?: () => number;
}

/** Full-jitter exponential backoff after failed attempt number `attempt` (1-based): uniform in [0, min(cap, base·2^(attempt−1))). */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const cap = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

/**
 * How long to wait before the attempt after `attempt`: the server's `Retry-After` when it gave a valid one
 * (not capped: the deadline decides whether it can be honoured), otherwise full-jitter backoff.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterHeader: string | readonly string[] | null | undefined,
  now: number,
  options: BackoffOptions = {},
): number {
  return parseRetryAfter(retryAfterHeader, now) ?? backoffDelayMs(attempt, options);
}

// Timeout codes are not repeated here: isTransientNetworkError counts every timeout as transient.
const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

// Certificate verification failures: retrying cannot help, only configuration can.
const TLS_CERTIFICATE_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
]);

/** Every error in `error`'s cause chain (and inside AggregateErrors), outermost first, at most 10 deep. */
export function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < 10) {
    const current = queue.shift();
    if (current === undefined || current === null || chain.includes(current)) continue;
    chain.push(current);
    if (current instanceof AggregateError) queue.push(...current.errors);
    if (current instanceof Error) queue.push(current.cause);
  }
  return chain;
}

function codesOf(error: unknown): string[] {
  return errorChain(error).flatMap((e) =>
    typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? [e.code] : [],
  );
}

/** True when `error` is an attempt timeout (ours, an AbortSignal.timeout, or undici's connect/headers/body timeout). */
export function isTimeoutError(error: unknown): boolean {
  return (
    errorChain(error).some((e) => e instanceof Error && e.name === 'TimeoutError') ||
    codesOf(error).some((code) => TIMEOUT_CODES.has(code))
  );
}

/** The certificate verification code (e.g. DEPTH_ZERO_SELF_SIGNED_CERT) when `error` is a TLS trust failure, else undefined. */
export function tlsCertificateErrorCode(error: unknown): string | undefined {
  return codesOf(error).find((code) => TLS_CERTIFICATE_CODES.has(code));
}

/** True for network failures another attempt may get past (resets, refusals, DNS hiccups, timeouts); false for TLS trust failures. */
export function isTransientNetworkError(error: unknown): boolean {
  if (tlsCertificateErrorCode(error) !== undefined) return false;
  return isTimeoutError(error) || codesOf(error).some((code) => TRANSIENT_NETWORK_CODES.has(code));
}

/** What `classify` says about a failed attempt: permanent, or transient with the server's Retry-After if it sent one. */
export type RetryVerdict =
  | { readonly transient: false }
  | { readonly transient: true; readonly retryAfter?: string | readonly string[] | null | undefined };

/** What each attempt is given: its number (1-based), a signal that aborts at its timeout, and that timeout. */
export interface Attempt {
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
}

/** Options of withRetry; only `deadline`, `classify` and `onBudgetExhausted` are required. */
export interface RetryOptions extends BackoffOptions {
  readonly deadline: Deadline;
  /** Decides whether a failed attempt is worth repeating. */
  readonly classify: (error: unknown) => RetryVerdict;
  /** The error to throw when not even the first attempt fits in the deadline. */
  readonly onBudgetExhausted: () => unknown;
  readonly maxAttempts?: number;
  readonly perAttemptTimeoutMs?: number;
  readonly minAttemptMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Wall clock for HTTP-date Retry-After values. */
  readonly now?: () => number;
  /** What the attempts are counted as in the invocation's summary line ("appliance", "slack"); uncounted when absent. */
  readonly target?: string;
  /** Told before each sleep, e.g. to log the retry. */
  readonly onRetry?: (info: { readonly attempt: number; readonly delayMs: number; readonly error: unknown }) => void;
}

/**
 * Runs `fn` until it succeeds, a failure is permanent, attempts run out, or the deadline leaves no room for the next
 * sleep plus attempt; then rethrows the last failure unchanged.
 */
export async function withRetry<T>(fn: (attempt: Attempt) => Promise<T>, options: RetryOptions): Promise<T> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts);
  const perAttemptTimeoutMs = options.perAttemptTimeoutMs ?? RETRY_DEFAULTS.perAttemptTimeoutMs;
  const minAttemptMs = options.minAttemptMs ?? RETRY_DEFAULTS.minAttemptMs;
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms));
  const now = options.now ?? Date.now;

  for (let attempt = 1; ; attempt++) {
    const remaining = options.deadline.remainingMs();
    // Only reachable on attempt 1: later attempts are checked before their sleep.
    if (remaining < minAttemptMs) throw options.onBudgetExhausted();
    const timeoutMs = Math.max(1, Math.floor(Math.min(perAttemptTimeoutMs, remaining)));
    if (options.target !== undefined) countAttempt(options.target);
    let error: unknown;
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException(`attempt timed out after ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs,
    );
    try {
      return await fn({ attempt, signal: controller.signal, timeoutMs });
    } catch (caught) {
      error = caught;
    } finally {
      clearTimeout(timer);
    }

    const verdict = options.classify(error);
    if (!verdict.transient || attempt >= maxAttempts) throw error;
    const delayMs = retryDelayMs(attempt, verdict.retryAfter, now(), options);
    // Never start a sleep after which no attempt could run: fail now, with the real cause.
    if (delayMs + minAttemptMs > options.deadline.remainingMs()) throw error;
    options.onRetry?.({ attempt, delayMs, error });
    await sleep(delayMs);
  }
}
