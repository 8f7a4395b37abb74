import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/notifier.ts';
import { loadWatcherConfig } from '../../src/config/watcher.ts';

const base = {
  BACKUP_API_URL: 'https://appliance.example.com:9419',
  BACKUP_API_TOKEN: 'tok-abcdef-123456',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/secretpath',
};

describe('BACKUP_PRODUCT and BACKUP_API_VERSION', () => {
  it('default to Azure and its path version v1, as before', () => {
    expect(loadConfig(base).api).toMatchObject({ product: 'azure', version: 'v1' });
  });

  it.each([
    ['vbr', '1.2-rev1'],
    ['aws', '1.0-rev0'],
    ['gcp', '1.2-rev0'],
  ])('default the x-api-version of %s to %s', (product, version) => {
    expect(loadConfig({ ...base, BACKUP_PRODUCT: product }).api).toMatchObject({ product, version });
  });

  it('take a header revision for the header products and a path version for Azure', () => {
    expect(loadConfig({ ...base, BACKUP_PRODUCT: 'vbr', BACKUP_API_VERSION: '1.3-rev2' }).api?.version).toBe(
      '1.3-rev2',
    );
    expect(() => loadConfig({ ...base, BACKUP_PRODUCT: 'vbr', BACKUP_API_VERSION: 'v1' })).toThrow(
      'BACKUP_API_VERSION must look like 1.2-rev1 or 1.3-rev2 for BACKUP_PRODUCT=vbr',
    );
    expect(() => loadConfig({ ...base, BACKUP_API_VERSION: '1.3-rev2' })).toThrow('for BACKUP_PRODUCT=azure');
  });

  it('rejects an unknown product, naming the variable and the choices', () => {
    expect(() => loadConfig({ ...base, BACKUP_PRODUCT: 'vmware' })).toThrow(
      'BACKUP_PRODUCT must be azure, vbr, aws or gcp',
    );
  });
});

describe('WATCH_SESSION_TYPES per product', () => {
  it.each([
    ['azure', ['PolicyBackup', 'PolicySnapshot', 'PolicyArchive']],
    ['vbr', ['BackupJob']],
    ['aws', ['Policy']],
    ['gcp', []],
  ])('defaults for %s to %j', (product, types) => {
    expect(loadWatcherConfig({ BACKUP_PRODUCT: product }).sessionTypes).toEqual(types);
  });

  it('takes "*" as every type and a list as given', () => {
    expect(loadWatcherConfig({ WATCH_SESSION_TYPES: '*' }).sessionTypes).toEqual([]);
    expect(
      loadWatcherConfig({ BACKUP_PRODUCT: 'vbr', WATCH_SESSION_TYPES: 'BackupJob, ReplicaJob' }).sessionTypes,
    ).toEqual(['BackupJob', 'ReplicaJob']);
  });
});
