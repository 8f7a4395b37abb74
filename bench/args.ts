// `npm run bench` flags. A mistake prints one line saying what is wrong and the usage line, and exits 2.
import { parseArgs } from 'node:util';

export const USAGE =
  'usage: npm run bench [-- --smoke] [--save] [--rounds <n>] [--node22 <path to a Node 22 binary> | --no-node22] [--debug]';

const HELP = `${USAGE}

Measures every figure beside a floor taken in the same run (see README, Benchmarks).
  --smoke        every benchmark once on small inputs (CI); fails on errors or wrong round trips, never on timings
  --save         also write bench/results.json and the README's table (otherwise: bench/.out/results.json only)
  --rounds <n>   process pairs per start-up figure (default 15; smoke 1)
  --node22 <p>   the Node 22 binary for the start-up figures (default: installed with npm into bench/.out/node22)
  --no-node22    measure on this machine's Node only
  --debug        show stack traces`;

export interface BenchArgs {
  readonly smoke: boolean;
  readonly save: boolean;
  readonly rounds: number;
  readonly node22: string | false | undefined;
  readonly debug: boolean;
}

/** Parsed flags, or `{ exit }` with what to print when they are wrong or `--help` was asked for. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs | { exit: 0 | 2; text: string } {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split(/\. |\n/)[0];
    return { exit: 2, text: `bench: ${message}\n${USAGE}` };
  }
  const { values, positionals } = parsed;
  if (values.help) return { exit: 0, text: HELP };
  if (positionals.length > 0) return { exit: 2, text: `bench: unexpected argument '${positionals[0]}'\n${USAGE}` };
  const roundsText = values.rounds;
  if (roundsText !== undefined && !/^[1-9]\d{0,2}$/.test(roundsText)) {
    return { exit: 2, text: `bench: --rounds must be a whole number from 1 to 999, not '${roundsText}'\n${USAGE}` };
  }
  if (values['no-node22'] && values.node22 !== undefined) {
    return { exit: 2, text: `bench: --node22 and --no-node22 contradict each other\n${USAGE}` };
  }
  const smoke = values.smoke ?? false;
  if (smoke && values.save) {
    return { exit: 2, text: `bench: --save keeps full runs only; a --smoke run is never saved\n${USAGE}` };
  }
  return {
    smoke,
    save: values.save ?? false,
    rounds: roundsText === undefined ? (smoke ? 1 : 15) : Number(roundsText),
    node22: values['no-node22'] ? false : values.node22,
    debug: values.debug ?? false,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      smoke: { type: 'boolean' },
      save: { type: 'boolean' },
      rounds: { type: 'string' },
      node22: { type: 'string' },
      'no-node22': { type: 'boolean' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
