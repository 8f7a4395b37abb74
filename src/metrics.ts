// CloudWatch metrics as Embedded Metric Format lines on stdout: CloudWatch Logs extracts them, so a metric costs no
// API call and no latency. Dimensions stay low-cardinality (no session IDs); the policy name only when opted in.

/** The units the notifier's metrics use (EMF allows CloudWatch's standard units). */
export type MetricUnit = 'Count' | 'Milliseconds';

/** Every metric the notifier and the watcher write, with its unit. */
export const METRICS = {
  /** One per notification, by outcome (succeeded, warning, failed, unknown, running, …). */
  Notifications: 'Count',
  /** One per message a destination accepted, by destination. */
  Deliveries: 'Count',
  /** One per message a destination refused or never answered, by destination. */
  DeliveryFailures: 'Count',
  /** One per log read that failed, by kind (not-found, timeout, unavailable, invalid-response, …). */
  ApplianceReadFailures: 'Count',
  /** From the invocation's start to the last destination's answer. */
  NotificationLatency: 'Milliseconds',
  /** Per watcher run: the finished sessions it found, and the ones it notified. */
  WatcherSessionsFound: 'Count',
  WatcherSessionsNotified: 'Count',
  /** Per notified session: from the session's end on the appliance to its message. */
  WatcherLag: 'Milliseconds',
} as const satisfies Record<string, MetricUnit>;

export type MetricName = keyof typeof METRICS;

/** Writes metrics; every call is one EMF line carrying its values under the given dimensions plus `service`. */
export interface Metrics {
  /**
   * Each value is published per `dimensions` (plus service), per service alone (the total), and, when `detail` is
   * given, per `dimensions` and `detail` together (the opt-in policy breakdown).
   */
  put(
    dimensions: Readonly<Record<string, string>>,
    values: Partial<Readonly<Record<MetricName, number>>>,
    detail?: Readonly<Record<string, string | undefined>>,
  ): void;
  /** The policy's name as a dimension value when METRICS_POLICY_DIMENSION opted in, else undefined. */
  policy(name: string | null | undefined): string | undefined;
}

export interface MetricsOptions {
  /** POWERTOOLS_METRICS_NAMESPACE; default the service name. */
  readonly namespace?: string | undefined;
  /** POWERTOOLS_SERVICE_NAME; default the project's name. Every metric carries it as the `service` dimension. */
  readonly service?: string | undefined;
  /** POWERTOOLS_METRICS_DISABLED (or POWERTOOLS_DEV): write nothing. */
  readonly disabled?: boolean | undefined;
  /** Adds the policy name as a dimension (one metric stream per policy, so it is opt-in). */
  readonly policyDimension?: boolean | undefined;
  readonly write?: (line: string) => void;
  readonly now?: () => number;
}

// CloudWatch's limits on a dimension value; a longer or blank value would fail the whole line.
const MAX_DIMENSION_VALUE = 1024;
const clean = (value: string): string => value.trim().slice(0, MAX_DIMENSION_VALUE) || 'unknown';

/** EMF metrics; the `service` dimension and namespace follow Powertools Metrics' variables and defaults. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const service = options.service?.trim() || 'job-session-notifier';
  const namespace = options.namespace?.trim() || service;
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  return {
    put(dimensions, values, detail = {}) {
      const metrics = Object.entries(values).filter(
        (entry): entry is [MetricName, number] => entry[0] in METRICS && Number.isFinite(entry[1]),
      );
      if (options.disabled || metrics.length === 0) return;
      const members: Record<string, string | number> = { service };
      const keys = Object.keys(dimensions).filter((key) => key !== 'service');
      const detailKeys = Object.keys(detail).filter((key) => detail[key] !== undefined && !(key in members));
      for (const key of keys) members[key] = clean(dimensions[key] ?? '');
      for (const key of detailKeys) members[key] = clean(detail[key] ?? '');
      for (const [name, value] of metrics) members[name] = value;
      const sets = [['service', ...keys]];
      if (keys.length > 0) sets.push(['service']);
      if (detailKeys.length > 0) sets.push(['service', ...keys, ...detailKeys]);
      const directive = {
        Namespace: namespace,
        Dimensions: sets,
        Metrics: metrics.map(([name]) => ({ Name: name, Unit: METRICS[name] })),
      };
      write(JSON.stringify({ _aws: { Timestamp: now(), CloudWatchMetrics: [directive] }, ...members }));
    },
    policy: (name) => (options.policyDimension && name ? clean(name) : undefined),
  };
}

/** Counts one notification by outcome (and its latency when known), with the policy when opted in. */
export function recordNotification(
  metrics: Metrics,
  outcome: string,
  latencyMs: number | undefined,
  policyName: string | null | undefined,
): void {
  const values = latencyMs === undefined ? { Notifications: 1 } : { Notifications: 1, NotificationLatency: latencyMs };
  metrics.put({ outcome }, values, { policy: metrics.policy(policyName) });
}

/** Metrics that write nothing, for local runs whose stdout a person reads. */
export const noMetrics: Metrics = { put: () => undefined, policy: () => undefined };
