import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/notifier.ts';
import { loadWatcherConfig } from '../../src/config/watcher.ts';
import { ConfigError } from '../../src/errors.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const base = {
  BACKUP_API_URL: 'https://appliance.example.com',
  BACKUP_API_TOKEN: 'tok-abcdef-123456',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/secretpath',
};

function watcherError(env: Record<string, string>): ConfigError {
  try {
    loadWatcherConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadWatcherConfig duration limits, at equality', () => {
  it.each([
    ['MISSED_RUN_LOOKBACK', '90d', 'missedRunLookbackMs', 90 * DAY],
    ['WATCH_BACKFILL', '30d', 'backfillMs', 30 * DAY],
    ['WATCH_OVERLAP', '1d', 'overlapMs', DAY],
    ['WATCH_LONGEST_RUN', '30d', 'longestRunMs', 30 * DAY],
  ] as const)('accepts %s at its maximum, %s', (variable, value, field, ms) => {
    expect(loadWatcherConfig({ [variable]: value })[field]).toBe(ms);
  });

  it.each([
    ['MISSED_RUN_LOOKBACK', '2161h', '90d'],
    ['WATCH_BACKFILL', '721h', '30d'],
    ['WATCH_OVERLAP', '1441m', '1d'],
    ['WATCH_LONGEST_RUN', '43201m', '30d'],
  ])('rejects %s one unit past its maximum (%s), naming the variable and the limit', (variable, value, max) => {
    expect(watcherError({ [variable]: value }).message).toBe(
      `invalid watcher configuration: ${variable} must be at most ${max}`,
    );
  });

  it('accepts MISSED_RUN_AFTER of 90d with a 90d lookback only when shorter: equal is refused', () => {
    expect(watcherError({ MISSED_RUN_AFTER: '90d', MISSED_RUN_LOOKBACK: '90d' }).message).toBe(
      'invalid watcher configuration: MISSED_RUN_AFTER must be shorter than MISSED_RUN_LOOKBACK',
    );
    expect(watcherError({ MISSED_RUN_AFTER: '7d' }).message).toContain('shorter than MISSED_RUN_LOOKBACK');
    const watch = loadWatcherConfig({ MISSED_RUN_AFTER: '2159h', MISSED_RUN_LOOKBACK: '90d' });
    expect(watch).toMatchObject({ missedRunAfterMs: 2159 * HOUR, missedRunLookbackMs: 90 * DAY });
  });

  it('rejects MISSED_RUN_AFTER above 90d as too long before comparing it with the lookback', () => {
    expect(watcherError({ MISSED_RUN_AFTER: '91d' }).message).toContain('MISSED_RUN_AFTER must be at most 90d');
  });

  it.each([' 26h', '26h ', '\t7d', '26 h', '26H'])(
    'rejects the padded or misspelt duration %j, naming the variable',
    (value) => {
      expect(watcherError({ MISSED_RUN_AFTER: value }).message).toMatch(
        /^invalid watcher configuration: MISSED_RUN_AFTER /,
      );
    },
  );

  it('takes an empty variable as unset, so its default applies', () => {
    expect(loadWatcherConfig({ MISSED_RUN_AFTER: '', WATCH_BACKFILL: '' })).toMatchObject({
      missedRunAfterMs: 26 * HOUR,
      backfillMs: HOUR,
    });
  });

  it('reads padded session types one by one, without their spaces', () => {
    expect(loadWatcherConfig({ WATCH_SESSION_TYPES: '  PolicyBackup ,PolicyArchive  ' }).sessionTypes).toEqual([
      'PolicyBackup',
      'PolicyArchive',
    ]);
  });

  it.each([
    ['WATCH_CONCURRENCY', '32', 'concurrency', 32],
    ['WATCH_CONCURRENCY', '1', 'concurrency', 1],
    ['WATCH_PAGE_SIZE', '1000', 'pageSize', 1000],
    ['WATCH_PAGE_SIZE', '1', 'pageSize', 1],
  ] as const)('accepts %s=%s, at its bound', (variable, value, field, expected) => {
    expect(loadWatcherConfig({ [variable]: value })[field]).toBe(expected);
  });

  it.each([
    ['WATCH_CONCURRENCY', '33'],
    ['WATCH_PAGE_SIZE', '1001'],
    ['WATCH_PAGE_SIZE', '0'],
  ])('rejects %s=%s, one past its bound, naming it', (variable, value) => {
    expect(watcherError({ [variable]: value }).message).toContain(variable);
  });
});

describe('loadConfig padded values', () => {
  it('trims the display name of the Teams mention', () => {
    const config = loadConfig({
      ...base,
      TEAMS_WEBHOOK_URL: 'https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=x',
      TEAMS_MENTION_ON_FAILURE: 'alice@contoso.com|Alice Smith ',
    });
    expect(config.alerting.teams.mention).toEqual({ id: 'alice@contoso.com', name: 'Alice Smith' });
  });

  it.each([
    ['NOTIFIER_HTTP_TIMEOUT_MS', '900000', true],
    ['NOTIFIER_HTTP_TIMEOUT_MS', '900001', false],
    ['NOTIFIER_DEADLINE_MARGIN_MS', '0', true],
    ['NOTIFIER_DEADLINE_MARGIN_MS', '-1', false],
  ])('%s=%s is accepted: %s', (variable, value, accepted) => {
    const load = () => loadConfig({ ...base, [variable]: value });
    if (accepted) expect(load).not.toThrow();
    else expect(load).toThrow(variable);
  });
});
