// The benchmark's table: each figure beside its floor and target, one column per Node; and the README section it fills.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { bigLog, coldLoad, cpuPerNotification, roundTrips } from './measure.ts';
import { round } from './stats.ts';
import type { LagResult } from './watcher-lag.ts';

export interface RuntimeResults {
  readonly version: string;
  readonly coldLoad: Awaited<ReturnType<typeof coldLoad>>;
  readonly cpu: Awaited<ReturnType<typeof cpuPerNotification>>;
  readonly bigLog: Awaited<ReturnType<typeof bigLog>>;
  readonly roundTrips: Record<'passwordInMemory' | 'deployed', Awaited<ReturnType<typeof roundTrips>>>;
}

export interface Results {
  readonly date: string;
  readonly smoke: boolean;
  readonly durationS: number;
  readonly machine: { cpu: string; cores: number; memoryGB: number; platform: string; loadAverage: number[] };
  readonly node22: string;
  readonly bigLogEntries: number;
  readonly latencyMs: number;
  readonly bundle: ReturnType<typeof bundleSizes>;
  readonly runtimes: Record<string, RuntimeResults>;
  readonly watcherLag: readonly LagResult[];
  readonly failures: readonly string[];
}

/** `dist/` in KB: the total (both functions, as serverless.yml packages it) and each file. */
export function bundleSizes(dir: string) {
  const files = readdirSync(dir).map((f) => ({ file: f, kb: round(statSync(`${dir}/${f}`).size / 1024) }));
  return { totalKB: round(files.reduce((s, f) => s + f.kb, 0)), files: files.sort((a, b) => b.kb - a.kb) };
}

const mark = (met: boolean): string => (met ? '✔' : '✘');

type Row = [figure: string, target: string, ...perRuntime: string[]];

function rows(r: Results): Row[] {
  const names = Object.keys(r.runtimes);
  const each = (cell: (x: RuntimeResults) => string): string[] =>
    names.map((n) => {
      const x = r.runtimes[n];
      return x === undefined ? '—' : cell(x);
    });
  const out: Row[] = [];
  for (const entry of ['notifier', 'watcher']) {
    out.push([
      `Cold module load, ${entry} entry, in process: ms (empty ES module ms)`,
      '≤ 1.5×',
      ...each((x) => {
        const c = x.coldLoad[entry];
        if (c === undefined) return '—';
        return `${c.inProcessMs.entry} (${c.inProcessMs.emptyModule}) = ${c.inProcessRatio}× ${mark(c.inProcessRatio <= 1.5)}`;
      }),
    ]);
    out.push([
      `… whole process − \`node empty.mjs\`: ms (empty's own spread)`,
      'within noise',
      ...each((x) => {
        const w = x.coldLoad[entry]?.wholeProcessMs;
        if (w === undefined) return '—';
        return `${w.differenceMedian} (±${w.noise} of ${w.emptyModule}) ${mark(w.differenceMedian <= w.noise)}`;
      }),
    ]);
  }
  out.push([
    'Bundle, both functions: KB',
    '≤ 130',
    ...names.map(() => `${r.bundle.totalKB} ${mark(r.bundle.totalKB <= 130)}`),
  ]);
  out.push([
    'CPU per warm notification: ms (bare node:http client, same requests)',
    '≤ 1.3×',
    ...each((x) => `${x.cpu.productMs} (${x.cpu.floorMs}) = ${x.cpu.ratio}× ${mark(x.cpu.ratio <= 1.3)}`),
  ]);
  const entries = r.bigLogEntries.toLocaleString('en');
  out.push([
    `${entries}-entry log, end to end: ms (read and discard)`,
    '≤ 3×',
    ...each((x) => `${x.bigLog.productMs} (${x.bigLog.floorMs}) = ${x.bigLog.ratio}× ${mark(x.bigLog.ratio <= 3)}`),
  ]);
  out.push([
    `… peak RSS: MB (read and discard)`,
    '≤ floor + 16',
    ...each(
      (x) =>
        `${x.bigLog.productRssMB} (${x.bigLog.floorRssMB}) = +${x.bigLog.rssOverFloorMB} ${mark(x.bigLog.rssOverFloorMB <= 16)}`,
    ),
  ]);
  const trip = (config: 'deployed' | 'passwordInMemory', phase: 'cold' | 'warm', least: number) =>
    each((x) => {
      const p = x.roundTrips[config][phase];
      const init = p.duringInit > 0 ? `, ${p.duringInit} in init` : '';
      return `${p.sequential} (${p.chain}${init}) ${mark(p.sequential <= least)}`;
    });
  out.push([
    'Sequential round trips to the first post, cold, deployed (secrets, DynamoDB)',
    '≤ 4',
    ...trip('deployed', 'cold', 4),
  ]);
  out.push(['… warm, deployed', '≤ 2', ...trip('deployed', 'warm', 2)]);
  out.push([
    '… cold, password in env, in-memory store (least: token, log, post)',
    '≤ 3',
    ...trip('passwordInMemory', 'cold', 3),
  ]);
  out.push(['… warm, password in env, in-memory store', '≤ 2', ...trip('passwordInMemory', 'warm', 2)]);
  for (const lag of r.watcherLag) {
    const budget = Math.round(lag.floorS.max > 0 ? scheduleSeconds(lag.schedule) + 10 : 10);
    out.push([
      `Watcher lag, ${lag.schedule}: s, median / worst (wait for the next run); list calls per idle run`,
      `worst ≤ ${budget} s; 1 list`,
      ...names.map((_, i) =>
        i === 0
          ? `${lag.lagS.median} / ${lag.lagS.max} (${lag.floorS.median} / ${lag.floorS.max}) ${mark(lag.lagS.max <= budget)}; ${lag.listCallsPerIdleRun.median} (max ${lag.listCallsPerIdleRun.max}, hourly missed-run check)`
          : 'not run (schedule-bound)',
      ),
    ]);
  }
  return out;
}

function scheduleSeconds(schedule: string): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(schedule);
  return m ? Number(m[1]) * (m[2]?.startsWith('hour') ? 3600 : 60) : Number.NaN;
}

/** The results as a Markdown table with the run's date, machine, Node versions and load average; also printed. */
export function printTable(r: Results): string {
  const names = Object.keys(r.runtimes);
  const header: Row = [
    'Figure (floor measured in the same run)',
    'Target',
    ...names.map((n) => `${n}: ours (floor) = ratio`),
  ];
  const all = [header, ...rows(r)];
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const versions = names.map((n) => `${n} ${r.runtimes[n]?.version}`).join(', ');
  return [
    `Run ${r.date.slice(0, 16).replace('T', ' ')} UTC${r.smoke ? ' (smoke: single runs, small inputs)' : ''}, ${r.durationS} s; ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGB} GB, ${r.machine.platform}; ${versions}${r.node22 === 'measured' ? '' : ` (${r.node22})`}; load average ${r.machine.loadAverage.join(' ')}; children without NODE_EXTRA_CA_CERTS; round trips with ${r.latencyMs} ms per hop.`,
    '',
    line(header),
    `|${header.map(() => ' --- ').join('|')}|`,
    ...all.slice(1).map(line),
  ].join('\n');
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** Replaces the README's table between the bench markers (or fails saying the markers are missing). */
export function writeReadme(path: string, table: string): void {
  const text = readFileSync(path, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${path} has no ${START} … ${END} section to write the table into`);
  writeFileSync(path, `${text.slice(0, from + START.length)}\n${table}\n${text.slice(to)}`);
}
