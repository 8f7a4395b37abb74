// The local tools' command line: one line saying what is wrong plus the usage line, exit 2 for a usage mistake and 1
// for a failure, and a stack trace only with --debug.
import { readFile } from 'node:fs/promises';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { NotifierError } from '../errors.ts';

/** The command line itself is wrong (unknown flag, missing value, stray argument, a value out of range). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, its errors reworded into one short line each. */
export function parseCommandLine<T extends Options>(argv: readonly string[], options: T, positionals = false) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: positionals, strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    const message = error instanceof Error ? error.message : String(error);
    const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${quoted}`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument ${quoted}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const flag = /--[\w-]+/.exec(message)?.[0] ?? quoted;
      throw new UsageError(/argument missing/.test(message) ? `${flag} needs a value` : `${flag} takes no value`);
    }
    throw new UsageError(message);
  }
}

/** A whole number from `min` to `max` given as `flag`'s value, or a UsageError naming the flag. */
export function integerFlag(flag: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not "${value}"`);
  }
  return Number(value);
}

/** The JSON in an event file, or a failure that names the file and what is wrong with it. */
export async function readEventFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliFailure(
      code === 'ENOENT' ? `event file ${file} does not exist` : `cannot read event file ${file} (${code ?? error})`,
      true,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliFailure(`event file ${file} is not valid JSON: ${(error as Error).message}`, true);
  }
}

/** A failure the tool explains itself in one line (exit 1); `badInput` adds the usage line. */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
  constructor(
    message: string,
    readonly badInput = false,
  ) {
    super(message);
  }
}

/** One line for an error: its message alone for the errors we word ourselves, else its name and message. */
export function describeError(error: unknown): string {
  if (error instanceof UsageError || error instanceof CliFailure) return error.message;
  if (error instanceof NotifierError) return `${error.name}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Runs a tool's main and turns what it throws into the one-line report on stderr and the exit code:
 * 2 for a usage mistake, 1 for any other failure; the usage line follows every kind of bad input.
 */
export async function runTool(
  usage: string,
  main: () => Promise<number | undefined>,
  argv: readonly string[] = process.argv.slice(2),
): Promise<void> {
  const debug = argv.includes('--debug');
  try {
    process.exitCode = (await main()) ?? 0;
  } catch (error) {
    const isUsage = error instanceof UsageError;
    const usageLine = usage.split('\n')[0] ?? usage;
    process.stderr.write(`error: ${describeError(error)}\n`);
    const badInput =
      isUsage ||
      (error instanceof CliFailure && error.badInput) ||
      (error instanceof NotifierError && error.code === 'CONFIG_INVALID');
    if (badInput) {
      process.stderr.write(`${usageLine}\n`);
    }
    if (debug && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
    process.exitCode = isUsage ? 2 : 1;
  }
}
