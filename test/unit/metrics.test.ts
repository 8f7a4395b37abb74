import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { metricsEnv } from '../../src/config/observability.ts';
import { createMetrics, METRICS, type MetricsOptions } from '../../src/metrics.ts';

// CloudWatch's Embedded Metric Format (the "Specification: Embedded metric format" page): the metadata object, the
// metric directives and their limits, and the rule that every name a directive mentions is a member of the root.
const UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
] as const;
const name = z.string().min(1).max(1024);
const MetricDirective = z.strictObject({
  Namespace: name.refine((ns) => !ns.startsWith('AWS/'), 'AWS/ namespaces are reserved'),
  Dimensions: z.array(z.array(name).min(1).max(30)),
  Metrics: z
    .array(
      z.strictObject({
        Name: name,
        Unit: z.enum(UNITS).optional(),
        StorageResolution: z.union([z.literal(1), z.literal(60)]).optional(),
      }),
    )
    .min(1)
    .max(100),
});
const EmfDocument = z
  .looseObject({
    _aws: z.strictObject({
      Timestamp: z.number().int().nonnegative(),
      CloudWatchMetrics: z.array(MetricDirective).min(1),
    }),
  })
  .superRefine((doc, ctx) => {
    for (const directive of doc._aws.CloudWatchMetrics) {
      for (const dimension of directive.Dimensions.flat()) {
        const value = doc[dimension];
        if (typeof value !== 'string' || value.length === 0 || value.length > 1024) {
          ctx.addIssue({ code: 'custom', message: `dimension ${dimension} is not a 1-1024 character string member` });
        }
      }
      for (const { Name } of directive.Metrics) {
        const value = doc[Name];
        const numbers = Array.isArray(value) ? value : [value];
        if (numbers.length > 100 || !numbers.every((n) => typeof n === 'number' && Number.isFinite(n))) {
          ctx.addIssue({ code: 'custom', message: `metric ${Name} is not a number (or up to 100 numbers) member` });
        }
      }
    }
  });

/** The EMF lines written while `use` runs, each checked against the format. */
function emf(options: MetricsOptions, use: (metrics: ReturnType<typeof createMetrics>) => void) {
  const lines: string[] = [];
  use(createMetrics({ ...options, write: (line) => lines.push(line), now: () => 1_767_225_600_000 }));
  return lines.map((line) => {
    expect(line).not.toContain('\n');
    return EmfDocument.parse(JSON.parse(line)) as Record<string, unknown> & z.infer<typeof EmfDocument>;
  });
}

describe('createMetrics', () => {
  it('writes one valid EMF line per call, under the namespace, with service and the given dimensions', () => {
    const [line] = emf({ namespace: 'Backups/Notifier', service: 'orders' }, (m) =>
      m.put({ destination: 'slack' }, { Deliveries: 1, NotificationLatency: 812 }),
    );

    expect(line?._aws).toEqual({
      Timestamp: 1_767_225_600_000,
      CloudWatchMetrics: [
        {
          Namespace: 'Backups/Notifier',
          Dimensions: [['service', 'destination']],
          Metrics: [
            { Name: 'Deliveries', Unit: 'Count' },
            { Name: 'NotificationLatency', Unit: 'Milliseconds' },
          ],
        },
      ],
    });
    expect(line).toMatchObject({ service: 'orders', destination: 'slack', Deliveries: 1, NotificationLatency: 812 });
  });

  it('defaults the namespace and the service to the project name', () => {
    const [line] = emf({}, (m) => m.put({ outcome: 'failed' }, { Notifications: 1 }));

    expect(line?._aws.CloudWatchMetrics[0]?.Namespace).toBe('job-session-notifier');
    expect(line?.service).toBe('job-session-notifier');
  });

  it('keeps every metric and dimension valid: blank or overlong values are fixed, non-finite values left out', () => {
    const lines = emf({}, (m) => {
      m.put({ kind: '  ' }, { ApplianceReadFailures: 1 });
      m.put({ destination: 'x'.repeat(5000) }, { DeliveryFailures: 1 });
      m.put({ outcome: 'failed' }, { NotificationLatency: Number.NaN });
    });

    expect(lines).toHaveLength(2);
    expect(lines[0]?.kind).toBe('unknown');
    expect(String(lines[1]?.destination)).toHaveLength(1024);
  });

  it('writes nothing when disabled', () => {
    expect(emf({ disabled: true }, (m) => m.put({ outcome: 'failed' }, { Notifications: 1 }))).toEqual([]);
  });

  it('gives the policy name as a dimension value only when opted in', () => {
    expect(createMetrics({}).policy('Nightly-Azure-VMs')).toBeUndefined();
    expect(createMetrics({ policyDimension: true }).policy('Nightly-Azure-VMs')).toBe('Nightly-Azure-VMs');
    expect(createMetrics({ policyDimension: true }).policy(null)).toBeUndefined();
  });

  it('names only metrics CloudWatch accepts', () => {
    for (const [metric, unit] of Object.entries(METRICS)) {
      expect(metric).toMatch(/^[A-Za-z]{1,255}$/);
      expect(UNITS).toContain(unit);
    }
  });
});

describe('metricsEnv', () => {
  it('reads Powertools Metrics’ variables', () => {
    expect(
      metricsEnv({
        POWERTOOLS_METRICS_NAMESPACE: 'Backups',
        POWERTOOLS_SERVICE_NAME: 'orders',
        METRICS_POLICY_DIMENSION: 'true',
      }),
    ).toEqual({ namespace: 'Backups', service: 'orders', disabled: false, policyDimension: true });
  });

  it('turns metrics off with POWERTOOLS_METRICS_DISABLED, or POWERTOOLS_DEV unless metrics are enabled explicitly', () => {
    expect(metricsEnv({ POWERTOOLS_METRICS_DISABLED: 'true' }).disabled).toBe(true);
    expect(metricsEnv({ POWERTOOLS_DEV: 'true' }).disabled).toBe(true);
    expect(metricsEnv({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' }).disabled).toBe(false);
    expect(metricsEnv({}).disabled).toBe(false);
  });
});
