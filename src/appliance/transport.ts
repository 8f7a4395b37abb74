import { SourceApiError } from '../errors.ts';
import { BodyTooLargeError, type HttpAgents, type HttpResponse, httpRequest } from '../http/client.ts';
import { type Attempt, RETRY_DEFAULTS, type RetryOptions } from '../http/retry.ts';
import type { Log } from '../logger.ts';
import type { Deadline } from '../ports.ts';
import { classify, networkFailure, type Reply } from './failures.ts';

// A 100k-step log is ~20 MB; anything far beyond that is not a session log.
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** One request to the appliance, relative to its origin. */
export interface ApplianceRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Retry knobs of the appliance client (tests use tiny delays). */
export interface ApplianceRetry {
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

/** Sends requests to one appliance origin and reads its answers; every failure becomes a SourceApiError. */
export interface ApplianceTransport {
  readonly origin: string;
  /** Sends one request and returns once the headers are in. */
  open(request: ApplianceRequest, attempt: Attempt, what: string): Promise<HttpResponse>;
  /** Reads a response's whole body (so the socket returns to the pool). */
  readReply(response: HttpResponse, what: string): Promise<Reply>;
  /** One exchange with the whole body read. */
  send(request: ApplianceRequest, attempt: Attempt, what: string): Promise<Reply>;
  /** The retry policy for one call named `what`, bounded by `deadline`. */
  retryOptions(deadline: Deadline, what: string): RetryOptions;
}

/** The transport to one appliance origin, with its TLS trust (`agents`), per-attempt timeout and retry policy. */
export function createTransport(options: {
  readonly origin: string;
  readonly agents?: HttpAgents | undefined;
  readonly perAttemptTimeoutMs?: number | undefined;
  readonly retry?: ApplianceRetry | undefined;
  readonly logger?: Log | undefined;
}): ApplianceTransport {
  const { origin, agents, logger } = options;
  const open = async (request: ApplianceRequest, attempt: Attempt, what: string): Promise<HttpResponse> => {
    try {
      return await httpRequest(new URL(request.path, origin), {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        timeoutMs: attempt.timeoutMs,
        signal: attempt.signal,
        agents,
      });
    } catch (error) {
      throw networkFailure(error, what, origin);
    }
  };
  const readReply = async (response: HttpResponse, what: string): Promise<Reply> => {
    try {
      const text = await response.text(MAX_BODY_BYTES);
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      throw networkFailure(error, what, origin);
    }
  };
  return {
    origin,
    open,
    readReply,
    send: async (request, attempt, what) => readReply(await open(request, attempt, what), what),
    retryOptions: (deadline, what) => ({
      deadline,
      maxAttempts: options.retry?.maxAttempts ?? RETRY_DEFAULTS.maxAttempts,
      baseDelayMs: options.retry?.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs,
      maxDelayMs: options.retry?.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs,
      perAttemptTimeoutMs: options.perAttemptTimeoutMs ?? RETRY_DEFAULTS.perAttemptTimeoutMs,
      classify,
      target: 'appliance',
      onBudgetExhausted: () =>
        new SourceApiError('budget-exhausted', `backup appliance: no time left to ${what}`, { retryable: true }),
      onRetry: ({ attempt, delayMs, error }) =>
        logger?.warn('backup appliance call failed; retrying', {
          what,
          attempt,
          delayMs,
          failure: error instanceof SourceApiError ? error.failure : undefined,
          statusCode: error instanceof SourceApiError ? error.statusCode : undefined,
          reason: error instanceof Error ? error.message : undefined,
        }),
    }),
  };
}

/** Feeds a response body to `onChunk` as it arrives, failing past MAX_BODY_BYTES or when the body is cut short. */
export async function readBody(response: HttpResponse, onChunk: (chunk: Buffer) => void): Promise<void> {
  let size = 0;
  // A socket closed before the end makes Node destroy the body with its own "aborted" error (code ECONNRESET).
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(MAX_BODY_BYTES);
    onChunk(chunk);
  }
}
