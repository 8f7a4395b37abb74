import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/notifier.ts';
import { parseRoutes } from '../../../src/config/routes.ts';
import { ConfigError } from '../../../src/errors.ts';
import { thrown } from '../../support/thrown.ts';

describe('the errors of a malformed ROUTES list', () => {
  it('lists every unknown field of a rule, separated by commas', () => {
    const rule = { slack: 'https://hooks.slack.com/services/T0/B0/routeserrors', mach: {}, contine: true };
    expect(thrown(() => parseRoutes(JSON.stringify([rule]), 'ROUTES'), ConfigError).message).toBe(
      'invalid ROUTES: ROUTES[0]: unknown field mach, contine',
    );
  });

  it('names ROUTES when its text is not JSON', () => {
    const variables = { BACKUP_API_URL: 'https://a.example.com', BACKUP_API_TOKEN: 'tok-123456', ROUTES: '[{"sl' };
    expect(thrown(() => loadConfig(variables), ConfigError).message).toBe('ROUTES is not JSON (5 characters)');
  });
});
