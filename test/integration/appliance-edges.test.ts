import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/notifier.ts';
import { createLogger } from '../../src/logger.ts';
import { createRuntime } from '../../src/runtime.ts';
import { harnessPerTest } from '../support/harness.ts';

const start = harnessPerTest();

const base = {
  BACKUP_API_TOKEN: 'tok-abcdef-123456',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/secretpath',
};

describe('BACKUP_API_URL over plain http://', () => {
  it('is refused for a remote appliance, saying why and how to accept the risk', () => {
    expect(() => loadConfig({ ...base, BACKUP_API_URL: 'http://backup.example.com' })).toThrow(
      /BACKUP_API_URL uses http:\/\/.*in clear.*BACKUP_API_ALLOW_HTTP=true/,
    );
  });

  it.each(['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080'])(
    'is accepted for a loopback address (%s), for local runs',
    (url) => {
      expect(loadConfig({ ...base, BACKUP_API_URL: url }).api?.baseUrl).toBe(url);
    },
  );

  it('is accepted with BACKUP_API_ALLOW_HTTP=true, and the runtime logs a warning', () => {
    const output: string[] = [];
    const logger = createLogger({ logLevel: 'WARN', write: (_level, line) => output.push(line) });
    const config = loadConfig({ ...base, BACKUP_API_URL: 'http://backup.example.com', BACKUP_API_ALLOW_HTTP: 'true' });

    createRuntime(config, { logger });

    expect(output.join('')).toMatch(/BACKUP_API_ALLOW_HTTP is true: .*in clear/);
  });
});

describe('BACKUP_API_URL ending in /api', () => {
  it.each([
    ['https://backup.example.com/api', 'https://backup.example.com'],
    ['https://backup.example.com/api/', 'https://backup.example.com'],
    ['https://example.com/veeam/api', 'https://example.com/veeam'],
  ])('strips the /api of %s, since every path adds its own', (url, expected) => {
    expect(loadConfig({ ...base, BACKUP_API_URL: url }).api?.baseUrl).toBe(expected);
  });
});

describe('an endpoint answering 404', () => {
  it('names the requested path in the alert and the log, so a wrong base URL is obvious', async () => {
    const h = await start();

    await h.invoke({ sessionId: '999' });

    expect(h.sink.postsTo('slack')[0]?.body).toContain('GET /api/v1/jobSessions/999/log');
    expect(h.output.join('')).toContain('GET /api/v1/jobSessions/999/log');
  });

  it('names the token path when sign-in answers 404', async () => {
    const h = await start();
    h.emulator.enqueueFaults('token', [{ status: 404 }]);

    await h.invoke({ sessionId: '38' });

    expect(h.sink.postsTo('slack')[0]?.body).toContain('POST /api/oauth2/token');
  });
});
