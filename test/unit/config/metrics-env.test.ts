import { describe, expect, it } from 'vitest';
import { metricsEnv } from '../../../src/config/observability.ts';

describe('metricsEnv, yes/no variables', () => {
  it('reads true, 1, on and yes in any case, and padded, as on', () => {
    for (const value of ['true', 'TRUE', '1', 'on', 'On', 'yes', 'YES', ' true ', '\tyes\n']) {
      expect(metricsEnv({ POWERTOOLS_METRICS_DISABLED: value }).disabled, value).toBe(true);
      expect(metricsEnv({ METRICS_POLICY_DIMENSION: value }).policyDimension, value).toBe(true);
    }
  });

  it('reads a word that only starts or ends with a yes-word as off', () => {
    for (const value of ['truex', 'xtrue', 'yesterday', 'non', '10', 'false', '0', 'off']) {
      expect(metricsEnv({ POWERTOOLS_METRICS_DISABLED: value }).disabled, value).toBe(false);
      expect(metricsEnv({ METRICS_POLICY_DIMENSION: value }).policyDimension, value).toBe(false);
    }
  });

  it('follows POWERTOOLS_DEV when POWERTOOLS_METRICS_DISABLED is unset', () => {
    expect(metricsEnv({ POWERTOOLS_DEV: ' yes ' }).disabled).toBe(true);
    expect(metricsEnv({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: undefined }).disabled).toBe(true);
    expect(metricsEnv({ POWERTOOLS_DEV: 'false' }).disabled).toBe(false);
  });

  it('follows POWERTOOLS_DEV when POWERTOOLS_METRICS_DISABLED is empty, as a blank line in a .env file leaves it', () => {
    expect(metricsEnv({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: '' }).disabled).toBe(true);
    expect(metricsEnv({ POWERTOOLS_DEV: '', POWERTOOLS_METRICS_DISABLED: '' }).disabled).toBe(false);
  });

  it('lets an explicit POWERTOOLS_METRICS_DISABLED win over POWERTOOLS_DEV', () => {
    expect(metricsEnv({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'off' }).disabled).toBe(false);
    expect(metricsEnv({ POWERTOOLS_DEV: 'false', POWERTOOLS_METRICS_DISABLED: 'on' }).disabled).toBe(true);
  });
});
