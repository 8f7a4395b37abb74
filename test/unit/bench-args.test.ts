import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, USAGE } from '../../bench/args.ts';

const run = promisify(execFile);

describe('npm run bench flags', () => {
  it.each([
    [['--bogus'], "bench: Unknown option '--bogus'"],
    [['--rounds'], "bench: Option '--rounds <value>' argument missing"],
    [['--rounds', 'x'], "bench: --rounds must be a whole number from 1 to 999, not 'x'"],
    [['--rounds', '0'], "bench: --rounds must be a whole number from 1 to 999, not '0'"],
    [['extra'], "bench: unexpected argument 'extra'"],
    [['--node22', '/x', '--no-node22'], 'bench: --node22 and --no-node22 contradict each other'],
    [['--smoke', '--save'], 'bench: --save keeps full runs only; a --smoke run is never saved'],
  ])('refuses %j with one line saying why, then the usage line', (argv, first) => {
    const parsed = parseBenchArgs(argv);
    expect(parsed).toEqual({ exit: 2, text: `${first}\n${USAGE}` });
  });

  it('reads the flags of a smoke run and of a saved run', () => {
    expect(parseBenchArgs(['--smoke'])).toEqual({
      smoke: true,
      save: false,
      rounds: 1,
      node22: undefined,
      debug: false,
    });
    expect(parseBenchArgs(['--save', '--rounds', '21', '--no-node22'])).toEqual({
      smoke: false,
      save: true,
      rounds: 21,
      node22: false,
      debug: false,
    });
  });

  it('exits with code 2 and no stack trace on a bad flag, before building or measuring anything', async () => {
    const failure = await run('npx', ['tsx', 'bench/run.ts', '--steps', 'x']).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 2, stdout: '' });
    const stderr = (failure as { stderr: string }).stderr;
    expect(stderr).toBe(`bench: Unknown option '--steps'\n${USAGE}\n`);
  });
});
