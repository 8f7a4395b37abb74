import * as z from 'zod/mini';

/**
 * How bad a step or session status is, from the reader's point of view, worst first.
 * @example "failed"
 */
export const SeveritySchema = z.enum(['failed', 'warning', 'unknown', 'canceled', 'running', 'success']);
export type Severity = z.infer<typeof SeveritySchema>;

/**
 * The overall result of one notification, as callers, logs and the generic webhook report it.
 * @example "succeeded"
 */
export const OutcomeSchema = z.enum([
  'succeeded',
  'warning',
  'failed',
  'canceled',
  'running',
  'unknown',
  'empty',
  'unreadable',
]);
export type Outcome = z.infer<typeof OutcomeSchema>;

/**
 * Why a call to the backup appliance failed, in terms the alert and the retry logic can act on.
 * @example "not-found"
 */
export const FailureSchema = z.enum([
  'not-found',
  'forbidden',
  'unauthorized',
  'bad-request',
  'invalid-response',
  'too-large',
  'auth-failed',
  'unavailable',
  'timeout',
  'budget-exhausted',
]);
export type Failure = z.infer<typeof FailureSchema>;

/**
 * The failures another attempt cannot fix, which the alert names instead of going silent ("unauthorized" is
 * reported as "auth-failed").
 */
export const ReportedFailureSchema = z.enum([
  'not-found',
  'forbidden',
  'invalid-response',
  'bad-request',
  'auth-failed',
  'too-large',
]);
export type ReportedFailure = z.infer<typeof ReportedFailureSchema>;

/** Maps an appliance failure to the one the alert reports, or undefined when it is worth another attempt instead. */
export function reportedFailure(failure: Failure): ReportedFailure | undefined {
  if (failure === 'unauthorized') return 'auth-failed';
  const parsed = ReportedFailureSchema.safeParse(failure);
  return parsed.success ? parsed.data : undefined;
}
