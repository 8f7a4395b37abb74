import { describe, expect, it } from 'vitest';
import { metricsEnv } from '../../src/config/observability.ts';
import { createMetrics, METRICS, type MetricsOptions, recordNotification } from '../../src/metrics.ts';
import { EMF_UNITS, type EmfLine, parseEmf } from '../support/emf.ts';

/** The EMF lines written while `use` runs, each checked against the format. */
function emf(options: MetricsOptions, use: (metrics: ReturnType<typeof createMetrics>) => void): EmfLine[] {
  const lines: string[] = [];
  use(createMetrics({ ...options, write: (line) => lines.push(line), now: () => 1_767_225_600_000 }));
  return lines.map((line) => {
    expect(line).not.toContain('\n');
    return parseEmf(line);
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
          Dimensions: [['service', 'destination'], ['service']],
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

  it('adds the opt-in policy breakdown as a third dimension set, and nothing when the policy is not given', () => {
    const lines = emf({ policyDimension: true }, (m) => {
      recordNotification(m, 'failed', 900, 'Nightly-Azure-VMs');
      recordNotification(m, 'succeeded', undefined, null);
    });

    expect(lines[0]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ['service', 'outcome'],
      ['service'],
      ['service', 'outcome', 'policy'],
    ]);
    expect(lines[0]).toMatchObject({ policy: 'Nightly-Azure-VMs', Notifications: 1, NotificationLatency: 900 });
    expect(lines[1]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'outcome'], ['service']]);
    expect(lines[1]?.policy).toBeUndefined();
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
      expect(EMF_UNITS).toContain(unit);
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
