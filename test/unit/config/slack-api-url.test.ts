import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/notifier.ts';

describe('SLACK_API_URL', () => {
  it('loses every trailing slash, so method paths join with exactly one', () => {
    const env = {
      BACKUP_API_URL: 'https://backup.example.com',
      BACKUP_API_TOKEN: 'appliance-token-0123456789',
      SLACK_BOT_TOKEN: 'xoxb-1234567890-abcdefghij',
      SLACK_CHANNEL: 'C0123ABCDEF',
    };

    const urls = ['http://127.0.0.1:9999/api/', 'http://127.0.0.1:9999/api///'].map(
      (url) => loadConfig({ ...env, SLACK_API_URL: url }).slackApp?.apiUrl,
    );

    expect(urls).toEqual(['http://127.0.0.1:9999/api', 'http://127.0.0.1:9999/api']);
  });
});
