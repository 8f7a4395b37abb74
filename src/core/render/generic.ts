import * as z from 'zod/mini';
import { headlineOf, outcomeOf, sessionTimes, severityOf } from '../context.ts';
import { describeObjects } from '../objects.ts';
import type { Notification } from '../summary.ts';
import { OutcomeSchema, ReportedFailureSchema } from '../vocabulary.ts';
import { describeProgress } from './facts.ts';

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
  // Additive (schema version 1 still): present when the product reports them.
  resultMessage: z.optional(z.string()),
  objects: z.optional(
    z.object({
      noun: z.string(),
      total: z.number(),
      failed: z.number(),
      warning: z.number(),
      failedNames: z.array(z.string()),
      warningNames: z.array(z.string()),
      text: z.string(),
    }),
  ),
  progress: z.optional(
    z.object({
      processedBytes: z.nullable(z.number()),
      readBytes: z.nullable(z.number()),
      transferredBytes: z.nullable(z.number()),
      processingRate: nullableString,
      bottleneck: nullableString,
      text: z.string(),
    }),
  ),
  note: z.optional(z.string()),
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
    ...sessionExtras(notification),
  };
}

/** The additive fields: result message, per-object results, progress and the product note, when present. */
function sessionExtras(notification: Notification): Partial<GenericWebhookBody> {
  const session = notification.session;
  if (!session) return {};
  const objects = session.objects;
  const objectsText = describeObjects(objects, 2_000);
  const progress = session.progress;
  const progressText = describeProgress(progress);
  return {
    ...(session.resultMessage ? { resultMessage: session.resultMessage } : {}),
    ...(objects && objectsText
      ? {
          objects: {
            noun: objects.noun,
            total: objects.total,
            failed: objects.failedCount,
            warning: objects.warningCount,
            failedNames: [...objects.failed],
            warningNames: [...objects.warnings],
            text: objectsText,
          },
        }
      : {}),
    ...(progress && progressText
      ? {
          progress: {
            processedBytes: progress.processedSize ?? null,
            readBytes: progress.readSize ?? null,
            transferredBytes: progress.transferredSize ?? null,
            processingRate: progress.processingRate ?? null,
            bottleneck: progress.bottleneck ?? null,
            text: progressText,
          },
        }
      : {}),
    ...(session.note ? { note: session.note } : {}),
  };
}
