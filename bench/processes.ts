// Benchmark child processes: the product's handler in a child (bench/child.mjs), the bare-client floor
// (bench/floor-client.mjs), and whole `node` processes timed from spawn to exit. All run without NODE_EXTRA_CA_CERTS.
import { type ChildProcess, execFile, fork, spawn } from 'node:child_process';
import { childEnv, type NodeRuntime } from './runtimes.ts';

const BENCH = new URL('.', import.meta.url).pathname;

export interface Invocation {
  readonly ms: number;
  readonly cpuMs: number;
  readonly maxRssMB: number;
  /** Epoch ms when the handler was called (the child's clock, which is this machine's). */
  readonly startedAt: number;
  readonly error?: string;
}

/** A forked child speaking the ready / request / done protocol of bench/child.mjs and bench/floor-client.mjs. */
async function forkChild(script: string, args: string[], runtime: NodeRuntime, env: NodeJS.ProcessEnv) {
  // execArgv: [] so the child does not inherit tsx's loader from this process (it would inflate RSS and timings).
  const child: ChildProcess = fork(`${BENCH}${script}`, args, {
    env: childEnv(env),
    execPath: runtime.path,
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`bench child ${script} exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        resolve(m as Record<string, unknown>);
      });
    });
  const ready = await next();
  return {
    ready,
    async ask(message: Record<string, unknown>): Promise<Invocation> {
      const reply = next();
      child.send(message);
      return (await reply) as unknown as Invocation;
    },
    stop() {
      child.removeAllListeners('exit');
      child.send({ type: 'exit' });
    },
  };
}

/** The product's handler module `module` loaded in a child; invoke() runs one notification there. */
export async function startProductChild(module: string, runtime: NodeRuntime, env: NodeJS.ProcessEnv) {
  const child = await forkChild('child.mjs', [module], runtime, env);
  return {
    importedAt: Number(child.ready.importedAt),
    invoke: (sessionId: string) => child.ask({ type: 'invoke', event: { sessionId } }),
    stop: child.stop,
  };
}

/** One request of a floor replay: what the product sent, to be sent again byte for byte. */
export interface ReplayRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The bare node:http client in a child; replay() sends the phases (parallel inside, sequential across). */
export async function startFloorChild(runtime: NodeRuntime) {
  const child = await forkChild('floor-client.mjs', [], runtime, {});
  return {
    replay: (phases: readonly (readonly ReplayRequest[])[]) => child.ask({ type: 'replay', phases }),
    stop: child.stop,
  };
}

/** Wall time of a whole `node` process running `args`, in ms. */
export function timeProcess(runtime: NodeRuntime, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(runtime.path, args, { env: childEnv(), stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`${runtime.name} ${args.join(' ')} exited with ${code}`));
    });
  });
}

/** Runs bench/import-child.mjs: in-process import times of `files` after a warm-up import. */
export function importTimes(
  runtime: NodeRuntime,
  warm: string,
  files: readonly string[],
): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    execFile(runtime.path, [`${BENCH}import-child.mjs`, warm, ...files], { env: childEnv() }, (error, stdout) => {
      if (error) reject(error);
      else resolve(JSON.parse(stdout) as Record<string, number>);
    });
  });
}
