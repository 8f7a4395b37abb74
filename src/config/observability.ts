import type { MetricsOptions } from '../metrics.ts';

type Env = Readonly<Record<string, string | undefined>>;

const isTrue = (value: string | undefined): boolean => /^(?:true|1|on|yes)$/i.test(value?.trim() ?? '');

/**
 * The metrics' settings from the variables Powertools Metrics reads (POWERTOOLS_METRICS_NAMESPACE,
 * POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_DISABLED, else off when POWERTOOLS_DEV is set), plus the opt-in
 * METRICS_POLICY_DIMENSION.
 */
export function metricsEnv(env: Env = process.env): MetricsOptions {
  const disabled = env.POWERTOOLS_METRICS_DISABLED;
  return {
    namespace: env.POWERTOOLS_METRICS_NAMESPACE,
    service: env.POWERTOOLS_SERVICE_NAME,
    disabled: disabled === undefined || disabled === '' ? isTrue(env.POWERTOOLS_DEV) : isTrue(disabled),
    policyDimension: isTrue(env.METRICS_POLICY_DIMENSION),
  };
}
