import * as z from 'zod/mini';
import { headlineOf, outcomeOf, sessionTimes, severityOf } from '../context.ts';
import type { Notification } from '../summary.ts';
import { OutcomeSchema, ReportedFailureSchema } from '../vocabulary.ts';

const severity = z.enum(['failed', 'warning', 'unknown', 'canceled', 'running', 'success']);
const nullableString = z.nullable(z.string());

/**
 * Version 1 of the generic webhook's JSON body, the contract other tools build on (docs/generic-webhook.schema.json is
 * generated from it, and a test keeps the two equal). Text is raw, never escaped: the receiver escapes for its medium.
 * Additive changes keep `schemaVersion: 1`; a breaking change bumps it.
 * @example { "schemaVersion": 1, "kind": "summary", "sessionId": "77", "outcome": "failed", "severity": "failed",
 *   "headline": "❌ Nightly-Azure-VMs failed — session 77", "job": { "policyName": "Nightly-Azure-VMs", … }, … }
 */
export const GenericWebhookSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.enum(['summary', 'problem']),
  sessionId: z.string(),
  outcome: OutcomeSchema,
  severity: z.nullable(severity),
  headline: z.string(),
  job: z.object({
    policyName: nullableString,
    type: nullableString,
    applianceStatus: nullableString,
    detailsAvailable: z.boolean(),
  }),
  startedAt: nullableString,
  endedAt: nullableString,
  durationMs: z.nullable(z.number()),
  url: nullableString,
  steps: z.nullable(
    z.object({
      total: z.number(),
      failed: z.number(),
      warning: z.number(),
      counts: z.array(z.object({ status: z.string(), severity, count: z.number() })),
    }),
  ),
  problems: z.array(
    z.object({
      severity: z.enum(['failed', 'warning']),
      status: z.string(),
      message: z.string(),
      at: nullableString,
    }),
  ),
  readError: z.nullable(
    z.object({
      failure: ReportedFailureSchema,
      statusCode: z.nullable(z.number()),
      detail: z.string(),
    }),
  ),
  source: z.object({ appliance: z.string(), notifier: z.literal('job-session-notifier') }),
});
export type GenericWebhookBody = z.infer<typeof GenericWebhookSchema>;

/** Status rows and problem steps the body carries at most (the summary keeps up to 50 problems per severity). */
export const GENERIC_MAX_COUNTS = 200;

/** Renders a notification as a version-1 generic webhook body; `appliance` is the appliance's host. */
export function renderGeneric(notification: Notification, appliance: string): GenericWebhookBody {
  const session = notification.session;
  const times = sessionTimes(notification);
  const summary = notification.kind === 'summary' ? notification.summary : undefined;
  const problem = notification.kind === 'problem' ? notification.problem : undefined;
  return {
    schemaVersion: 1,
    kind: notification.kind,
    sessionId: summary?.sessionId ?? problem?.sessionId ?? '',
    outcome: outcomeOf(notification),
    severity: severityOf(notification),
    headline: headlineOf(notification),
    job: {
      policyName: session?.policyName ?? null,
      type: session?.type ?? null,
      applianceStatus: session?.status ?? null,
      detailsAvailable: session?.fetched ?? false,
    },
    startedAt: times.startedAt,
    endedAt: times.endedAt,
    durationMs: times.durationMs,
    url: session?.url ?? null,
    steps: summary
      ? {
          total: summary.totalSteps,
          failed: summary.failedCount,
          warning: summary.warningCount,
          counts: summary.counts.slice(0, GENERIC_MAX_COUNTS).map(({ status, severity, count }) => ({
            status,
            severity,
            count,
          })),
        }
      : null,
    problems: (summary?.problems ?? []).map(({ severity, status, message, at }) => ({ severity, status, message, at })),
    readError: problem ? { failure: problem.failure, statusCode: problem.statusCode, detail: problem.detail } : null,
    source: { appliance, notifier: 'job-session-notifier' },
  };
}
