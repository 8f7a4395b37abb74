import type { Memory } from '../../../src/core/history/model.ts';
import type { Notification, Severity } from '../../../src/core/summary.ts';
import { sessionContext } from '../../support/notifications.ts';

/** A one-step session summary of `worst` severity (null: an empty log), with the extras a test needs. */
export function summaryNotification(
  sessionId: string,
  worst: Severity | null,
  extras: { policy?: string; appliance?: string; memory?: Memory } = {},
): Notification {
  return {
    kind: 'summary',
    summary: {
      sessionId,
      totalSteps: worst === null ? 0 : 1,
      counts: [],
      worst,
      problems: [],
      failedCount: worst === 'failed' ? 1 : 0,
      warningCount: worst === 'warning' ? 1 : 0,
      durationMs: null,
      startedAt: null,
      endedAt: null,
    },
    ...(extras.policy === undefined ? {} : { session: sessionContext({ policyName: extras.policy }) }),
    ...(extras.appliance === undefined ? {} : { appliance: { name: extras.appliance, source: extras.appliance } }),
    ...(extras.memory === undefined ? {} : { memory: extras.memory }),
  };
}

/** A report that the log of `sessionId` could not be read (404). */
export function unreadableNotification(sessionId: string): Notification {
  return {
    kind: 'problem',
    problem: { sessionId, failure: 'not-found', statusCode: 404, detail: `session ${sessionId} was not found (404)` },
  };
}
