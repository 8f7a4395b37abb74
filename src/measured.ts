// Decorators that count what the notifier's ports did into EMF metrics, so every path (each trigger and the watcher)
// is measured in one place: deliveries and failures by destination, appliance log reads that failed by kind.
import { SourceApiError } from './errors.ts';
import type { Metrics } from './metrics.ts';
import type { Destination, SessionLogSource } from './ports.ts';

/** `destination`, counting each accepted message as a delivery and each refused or unanswered one as a failure. */
export function measuredDestination(destination: Destination, metrics: Metrics): Destination {
  return {
    name: destination.name,
    async post(notification, deadline) {
      const dimensions = { destination: destination.name };
      const detail = { policy: metrics.policy(notification.session?.policyName) };
      try {
        const result = await destination.post(notification, deadline);
        if (result === undefined) metrics.put(dimensions, { Deliveries: 1 }, detail);
        return result;
      } catch (error) {
        metrics.put(dimensions, { DeliveryFailures: 1 }, detail);
        throw error;
      }
    },
  };
}

/** `source`, counting each log read that failed by its kind (not-found, timeout, unavailable, …). */
export function measuredSource(source: SessionLogSource, metrics: Metrics): SessionLogSource {
  return {
    async readLog(sessionId, deadline, createSink) {
      try {
        return await source.readLog(sessionId, deadline, createSink);
      } catch (error) {
        metrics.put(
          { kind: error instanceof SourceApiError ? error.failure : 'unexpected' },
          { ApplianceReadFailures: 1 },
        );
        throw error;
      }
    },
    ...(source.getSession ? { getSession: source.getSession.bind(source) } : {}),
    // Per-object results pass through unmeasured: without them the message would lose its "3 of 40 failed" line.
    ...(source.getObjectResults ? { getObjectResults: source.getObjectResults.bind(source) } : {}),
  };
}
