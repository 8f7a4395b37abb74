/**
 * Every error this project throws is a NotifierError: a stable `code`, whether a retry could help (`retryable`),
 * and the original failure kept as `cause`. Messages never contain secrets (tokens, passwords, webhook URLs).
 */
export class NotifierError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: ErrorOptions & { retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** Configuration is missing, malformed or contradictory; the message names the variable. */
export class ConfigError extends NotifierError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('CONFIG_INVALID', message, options);
  }
}

/** The event carries no usable session ID, or has a shape no trigger knows. */
export class TriggerError extends NotifierError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('TRIGGER_INVALID', message, options);
  }
}

import type { Failure } from './core/vocabulary.ts';

/** Why a call to the backup appliance failed (see core/vocabulary.ts). */
export type SourceFailure = Failure;

/** A call to the backup appliance API failed; `failure` says how, `statusCode` what it answered (if anything). */
export class SourceApiError extends NotifierError {
  readonly failure: SourceFailure;
  readonly statusCode: number | undefined;
  /** The server's Retry-After, which the retry loop honours. */
  readonly retryAfter: string | readonly string[] | undefined;
  /** The appliance's own problem text (RFC 7807 title/detail), cleaned of secrets, e.g. ": Not Found — …". */
  readonly problem: string;

  constructor(
    failure: SourceFailure,
    message: string,
    options: ErrorOptions & {
      statusCode?: number | undefined;
      retryable?: boolean;
      retryAfter?: string | readonly string[] | undefined;
      problem?: string;
    } = {},
  ) {
    super(`SOURCE_${failure.toUpperCase().replaceAll('-', '_')}`, message, {
      cause: options.cause,
      retryable: options.retryable ?? ['unavailable', 'timeout', 'budget-exhausted'].includes(failure),
    });
    this.failure = failure;
    this.statusCode = options.statusCode;
    this.retryAfter = options.retryAfter;
    this.problem = options.problem ?? '';
  }
}

/** Posting to a chat destination failed; `destination` is its name (never its URL). */
export class DeliveryError extends NotifierError {
  readonly destination: string;
  readonly statusCode: number | undefined;

  constructor(
    destination: string,
    message: string,
    options: ErrorOptions & { statusCode?: number | undefined; retryable: boolean },
  ) {
    super(options.retryable ? 'DELIVERY_TRANSIENT' : 'DELIVERY_REJECTED', message, options);
    this.destination = destination;
    this.statusCode = options.statusCode;
  }
}

/** Fetching a secret from AWS Secrets Manager failed or its value has the wrong shape. */
export class SecretError extends NotifierError {
  constructor(message: string, options: ErrorOptions & { retryable?: boolean } = {}) {
    super('SECRET_UNAVAILABLE', message, options);
  }
}
