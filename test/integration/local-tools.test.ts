import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

/** Runs a local tool as `npm start` / `npm run …` would, with only PATH and `env`, and collects what it printed. */
function tool(script: string, args: readonly string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { cwd: root, timeout: 60_000, env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const start = (args: readonly string[], env?: Record<string, string>) => tool('src/dev/start.ts', args, env);
const invoke = (args: readonly string[], env?: Record<string, string>) => tool('src/dev/invoke.ts', args, env);
const preview = (args: readonly string[]) => tool('scripts/preview.ts', args);

/** Exactly one line saying what is wrong and the usage line, no stack trace. */
function expectPoliteRefusal(result: { stderr: string }, problem: string, usage: string): void {
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toEqual([`error: ${problem}`, expect.stringContaining(usage)]);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('the local tools refuse bad input politely', () => {
  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['--session'], '--session needs a value'],
    [['stray'], 'unexpected argument stray'],
    [['--watch', '--steps', 'x'], '--steps must be a whole number from 1 to 100, not "x"'],
    [['--watch', '--interval', '2s'], '--interval must be a whole number from 0 to 600000, not "2s"'],
  ])('npm start %j exits 2 with one line and the usage', async (args, problem) => {
    const result = await start(args);

    expect(result.code).toBe(2);
    expectPoliteRefusal(result, problem, 'usage: npm start');
    expect(result.stdout).toBe('');
  });

  it('npm start shows the stack of a failure only with --debug', async () => {
    const plain = await start([], { BACKUP_API_TOKEN: 'abc' });
    const debug = await start(['--debug'], { BACKUP_API_TOKEN: 'abc' });

    expect(plain.code).toBe(1);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it.each([
    [[], 2, 'the event file is missing'],
    [['events/direct.json', 'events/sns.json'], 2, 'unexpected argument events/sns.json'],
    [['-f', 'lambda', 'events/direct.json'], 2, '-f must be notifier or watcher, not "lambda"'],
    [['--nope', 'events/direct.json'], 2, 'unknown option --nope'],
    [['events/does-not-exist.json'], 1, 'event file events/does-not-exist.json does not exist'],
  ])('npm run invoke %j exits %i with one line and the usage', async (args, code, problem) => {
    const result = await invoke(args);

    expect(result.code).toBe(code);
    expectPoliteRefusal(result, problem, 'usage: npm run invoke');
  });

  it('npm run invoke names a malformed event file and what is wrong with it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'invoke-test-')), 'broken.json');
    writeFileSync(file, '{"sessionId": 38,');

    const result = await invoke([file]);

    expect(result.code).toBe(1);
    expectPoliteRefusal(result, `event file ${file} is not valid JSON: ${jsonError('{"sessionId": 38,')}`, 'usage:');
  });

  it.each([
    [['--session', '999'], 'no sample session 999 (the samples are 38, 77, 52, 60, 90)'],
    [['--time-zone', 'Mars/Olympus'], '--time-zone Mars/Olympus is not an IANA time zone (e.g. Europe/Berlin)'],
    [['--out'], '--out needs a value'],
    [['--colour'], 'unknown option --colour'],
  ])('npm run preview %j exits 2 with one line and the usage', async (args, problem) => {
    const result = await preview(args);

    expect(result.code).toBe(2);
    expectPoliteRefusal(result, problem, 'usage: npm run preview');
  });
});

describe('npm run preview:dashboard', () => {
  it.each([
    [['--colour'], 'unknown option --colour'],
    [['--out'], '--out needs a value'],
    [['extra'], 'unexpected argument extra'],
  ])('%j exits 2 with one line and the usage', async (args, problem) => {
    const result = await tool('scripts/dashboard-preview.ts', args);

    expect(result.code).toBe(2);
    expectPoliteRefusal(result, problem, 'usage: npm run preview:dashboard');
  });
});

describe('local runs behave like production', () => {
  it('reports a misspelt variable as Lambda would, instead of ignoring it', async () => {
    const result = await start(['--session', '38'], { SLACK_WEBHOK_URL: 'https://hooks.slack.com/services/T0/B0/x' });

    expect(result.code).toBe(1);
    expectPoliteRefusal(result, 'ConfigError: unknown configuration variable SLACK_WEBHOK_URL', 'usage: npm start');
  });

  it('says BACKUP_API_URL is missing when credentials come without it, never logging in to the emulator', async () => {
    const token = await start([], { BACKUP_API_TOKEN: 'abc' });
    const password = await start([], { BACKUP_API_USERNAME: 'me', BACKUP_API_PASSWORD: 'secret-pw' });

    expect(token.code).toBe(1);
    expect(token.stderr).toContain('error: ConfigError: BACKUP_API_URL is missing: BACKUP_API_TOKEN is set');
    expect(password.code).toBe(1);
    expect(password.stderr).toContain('BACKUP_API_URL is missing: BACKUP_API_USERNAME, BACKUP_API_PASSWORD are set');
    expect(password.stdout + password.stderr).not.toContain('secret-pw');
  });

  it('keeps PagerDuty local when only a routing key is set, and the banner says where each destination goes', async () => {
    const key = 'R0123456789abcdef0123456789abcdef';
    const result = await start(['--session', '77'], { PAGERDUTY_ROUTING_KEY: key });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('destinations = pagerduty local sink (PAGERDUTY_EVENTS_URL is not set)');
    expect(result.stdout).toContain('"event_action": "trigger"');
    expect(result.stdout).toContain('✔ {"sessionId":"77","outcome":"failed","delivered":["pagerduty"]}');
    expect(result.stdout).not.toContain(key);
  });

  it('npm start -- --json prints only JSON on stdout, one document per session, even with --verbose logs', async () => {
    const result = await start(['--json', '--verbose', '--session', '38', '--session', '77']);

    const documents = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(result.code).toBe(0);
    expect(documents.map((d) => d.sessionId)).toEqual(['38', '77']);
    expect(documents[1]).toMatchObject({
      result: { outcome: 'failed' },
      posts: [{ destination: 'slack' }, { destination: 'teams' }],
    });
    expect(result.stderr).toContain('▶ session 77');
    expect(result.stderr).toContain('"message":"notification sent"');
  });
});

describe('npm run invoke', () => {
  it('runs the watcher with -f watcher against an emulator holding recent sessions', async () => {
    const result = await invoke(['-f', 'watcher', 'events/watcher-scheduled.json']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('▶ watcher events/watcher-scheduled.json (appliance: emulator');
    expect(result.stdout).toMatch(/"notified": \[\s*\{\s*"sessionId": "1201"/);
    expect(result.stdout).toContain('slack received');
  });

  it('says what an SNS invocation did instead of printing an undefined result', async () => {
    const result = await invoke(['events/sns.json']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '✔ handled 2 SNS record(s) (an SNS handler returns no result); 4 message(s) posted',
    );
    expect(result.stdout).not.toContain('undefined');
  });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}
