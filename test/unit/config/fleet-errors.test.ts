import { describe, expect, it } from 'vitest';
import { parseAppliances } from '../../../src/config/appliances.ts';
import { loadConfig } from '../../../src/config/notifier.ts';
import { ConfigError } from '../../../src/errors.ts';
import { thrown } from '../../support/thrown.ts';

const SLACK = 'https://hooks.slack.com/services/T0/B0/fleeterrors';

const fleetError = (json: string): string => thrown(() => parseAppliances(json, 'APPLIANCES'), ConfigError).message;

describe('the errors of a malformed APPLIANCES list', () => {
  it('calls an entry that is not an object "entry", by position, instead of crashing on it', () => {
    expect(fleetError('[5, "azure-prod", [1]]')).toBe(
      'invalid APPLIANCES: APPLIANCES[0]: entry must be an object; APPLIANCES[1]: entry must be an object; APPLIANCES[2]: entry must be an object',
    );
  });

  it('reports a null entry as a malformed entry, not as a crash', () => {
    expect(fleetError('[null]')).toBe('invalid APPLIANCES: APPLIANCES[0]: entry must be an object');
  });

  it('lists every misspelt field of an entry, separated by commas', () => {
    const entry = { name: 'azure-prod', url: 'https://a.example.com', token: 'tok-1', pasword: 'p', usrname: 'u' };
    expect(fleetError(JSON.stringify([entry]))).toBe(
      'invalid APPLIANCES: APPLIANCES[0] "azure-prod": unknown field pasword, usrname',
    );
  });
});

describe('loadConfig with APPLIANCES', () => {
  it('names APPLIANCES when its text is not JSON', () => {
    expect(thrown(() => loadConfig({ APPLIANCES: '[{"na', SLACK_WEBHOOK_URL: SLACK }), ConfigError).message).toBe(
      'APPLIANCES is not JSON (5 characters)',
    );
  });

  it('takes a single-appliance variable that is present but undefined in the map as unset', () => {
    const config = loadConfig({
      APPLIANCES: JSON.stringify([{ name: 'azure-a', url: 'https://a.example.com', token: 'tok-a-1234' }]),
      BACKUP_API_URL: undefined,
      BACKUP_PRODUCT: undefined,
      SLACK_WEBHOOK_URL: SLACK,
    });
    expect(config.api).toBeUndefined();
    expect(config.appliances).toMatchObject({ kind: 'list', appliances: [{ name: 'azure-a' }] });
  });
});
