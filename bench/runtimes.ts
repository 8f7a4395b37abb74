// The Node binaries the start-up figures run under: this machine's Node, and Node 22 (the Lambda runtime) from npm.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface NodeRuntime {
  /** "node20", "node22": the column name in the results. */
  readonly name: string;
  readonly path: string;
  readonly version: string;
}

/** What the children run with: this environment minus NODE_EXTRA_CA_CERTS (it makes Node read the CA bundle at start). */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _ca, NODE_OPTIONS: _opts, ...env } = process.env;
  return { ...env, ...extra };
}

const versionOf = (path: string): string =>
  execFileSync(path, ['--version'], { env: childEnv(), timeout: 10_000 }).toString().trim();

const nameOf = (version: string): string => `node${/^v(\d+)/.exec(version)?.[1] ?? '?'}`;

/**
 * This machine's Node, plus Node 22: `wanted` is a binary path, false (not wanted), or undefined (use the copy in
 * `installDir`, installing it with npm when `install` is set). Never throws: a Node 22 that cannot be had is skipped
 * with the reason.
 */
export function findRuntimes(
  wanted: string | false | undefined,
  installDir: string,
  install: boolean,
): { runtimes: NodeRuntime[]; skipped: string | undefined } {
  const own: NodeRuntime = { name: nameOf(process.version), path: process.execPath, version: process.version };
  if (wanted === false) return { runtimes: [own], skipped: 'Node 22 skipped (--no-node22)' };
  if (own.version.startsWith('v22.')) return { runtimes: [own], skipped: undefined };
  const binary = wanted ?? `${installDir}/node_modules/node/bin/node`;
  if (wanted === undefined && !existsSync(binary)) {
    if (!install) {
      return { runtimes: [own], skipped: `Node 22 skipped: not in ${installDir} (a full run installs it with npm)` };
    }
    try {
      process.stderr.write(`installing Node 22 with npm into ${installDir} (once)\n`);
      execFileSync('npm', ['install', '--prefix', installDir, '--no-audit', '--no-fund', '--no-save', 'node@22'], {
        stdio: 'ignore',
        timeout: 180_000,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return { runtimes: [own], skipped: `Node 22 skipped: npm could not install node@22 (${reason})` };
    }
  }
  try {
    const version = versionOf(binary);
    if (!version.startsWith('v22.')) return { runtimes: [own], skipped: `Node 22 skipped: ${binary} is ${version}` };
    return { runtimes: [own, { name: 'node22', path: binary, version }], skipped: undefined };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { runtimes: [own], skipped: `Node 22 skipped: ${binary} does not run (${reason})` };
  }
}
