import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OUR_PREFIXES } from '../../src/config/env.ts';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');

/** `npm start` with the given arguments and no configuration, in UTC (the README's times are UTC). */
function start(args: readonly string[]) {
  return new Promise<{ stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/dev/start.ts', ...args],
      { cwd: root, timeout: 60_000, env: { PATH: process.env.PATH ?? '', TZ: 'UTC' } },
      (_error, stdout, stderr) => resolve({ stdout, stderr }),
    );
  });
}

/** The fenced block that follows the first line containing `marker`. */
function blockAfter(marker: string): string[] {
  const from = readme.indexOf(marker);
  const open = readme.indexOf('```', from);
  const body = readme.slice(readme.indexOf('\n', open) + 1, readme.indexOf('\n```', open));
  expect(from).toBeGreaterThanOrEqual(0);
  return body.split('\n');
}

describe('the README’s examples are what the program prints', () => {
  it('shows session 77 as npm start prints it for Slack', async () => {
    const example = blockAfter('`npm start -- --session 77` (failed session), as Slack would show it');
    const { stdout } = await start(['--session', '77']);

    expect(example.length).toBeGreaterThan(5);
    const printed = stdout.split('\n');
    for (const line of example) expect(printed).toContain(line);
  });

  it('quotes the alert for the unknown session 999 as npm start prints it', async () => {
    const quoted = /`(❌ Could not read session 999[^`]*)`/.exec(readme)?.[1];
    const { stdout } = await start(['--session', '999']);

    expect(quoted).toBeDefined();
    expect(stdout).toContain(`(fallback text: ${quoted})`);
  });

  it('shows a refused flag exactly as npm start answers it', async () => {
    const [command, ...answer] = blockAfter('failed run).');
    const { stderr } = await start(command?.replace('$ npm start --silent -- ', '').split(' ') ?? []);

    expect(command).toBe('$ npm start --silent -- --steps');
    expect(stderr.trimEnd().split('\n')).toEqual(answer);
  });

  it('lists every variable prefix the typo check covers, and only those', () => {
    const sentence = /an unknown variable starting with ([^.]*?) is an error/s.exec(readme)?.[1] ?? '';
    const listed = [...sentence.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]);

    expect(listed.sort()).toEqual([...OUR_PREFIXES].sort());
  });
});
