import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
const SLACK_PATH = '/services/T0/B0/teamsecretpath';
const env = {
  PATH: process.env.PATH ?? '',
  APPLIANCES: JSON.stringify([{ name: 'azure-prod', url: 'https://b.example.com', token: 't' }]),
  ROUTES: JSON.stringify([
    {
      name: 'sql',
      match: { appliance: 'azure-*', policy: 'SQL-*', outcome: 'failed' },
      slack: `https://hooks.slack.com${SLACK_PATH}`,
    },
  ]),
  TEAMS_WEBHOOK_URL: 'https://example.webhook.office.com/default-path',
};
const routes = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/dev/routes.ts', ...args], { cwd: root, timeout: 60_000, env });

describe('npm run routes', () => {
  it('prints the matching rule and its destination host, never the webhook path', async () => {
    const { stdout } = await routes('--appliance', 'azure-prod', '--policy', 'SQL-Nightly', '--outcome', 'failed');

    expect(stdout).toContain('route 1 (sql): delivers');
    expect(stdout).toContain('slack → hooks.slack.com');
    expect(stdout).not.toContain(SLACK_PATH);
  });

  it('falls back to the default route when no rule matches', async () => {
    const { stdout } = await routes('--appliance', 'azure-prod', '--policy', 'SQL-Nightly', '--outcome', 'warnings');

    expect(stdout).toContain('route 1 (sql): no match');
    expect(stdout).toContain('default route (global destinations): teams → example.webhook.office.com');
  });

  it('answers an unknown flag with one line and the usage, exit code 2', async () => {
    const error = await routes('--appliance', 'azure-prod', '--colour').then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );

    expect(error?.code).toBe(2);
    expect(error?.stderr.split('\n')[0]).toBe("routes: Unknown option '--colour'");
    expect(error?.stderr).toContain('usage: npm run routes');
  });
});
