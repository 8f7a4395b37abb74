// Prints the score per file and every survivor of the last pass: `node scripts/mutation-report.mjs core|io|core-static|io-static [file-filter]`.
import { readFileSync } from 'node:fs';

const area = ['io', 'core-static', 'io-static'].includes(process.argv[2]) ? process.argv[2] : 'core';
const filter = process.argv[3]?.startsWith('--') ? '' : (process.argv[3] ?? '');
const report = JSON.parse(readFileSync(`reports/mutation/${area}/mutation.json`, 'utf8'));
const KILLED = new Set(['Killed', 'Timeout']);

// `--static-ranges`: the --mutate ranges (line:column, Stryker's 0-based columns) of the static mutants this pass left
// out or could not measure, for a MUTATE_STATIC=1 run of just those.
if (process.argv.includes('--static-ranges')) {
  const ranges = new Set();
  for (const [file, { mutants }] of Object.entries(report.files).sort()) {
    for (const m of mutants) {
      const unmeasured = m.status === 'Ignored' || (m.static && !KILLED.has(m.status));
      const { start, end } = m.location;
      if (unmeasured) ranges.add(`${file}:${start.line}:${Math.max(start.column - 1, 0)}-${end.line}:${end.column}`);
    }
  }
  console.log([...ranges].join(','));
  process.exit(0);
}
const COUNTED = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);

let killedAll = 0;
let ignoredAll = 0;
// Survivors Stryker marks static ran without a module reload under ignoreStatic: their result is not a measurement.
let staticSurvivedAll = 0;
let countedAll = 0;
const lines = [];
for (const [file, { mutants }] of Object.entries(report.files).sort()) {
  if (!file.includes(filter)) continue;
  const counted = mutants.filter((m) => COUNTED.has(m.status));
  const ignored = mutants.filter((m) => m.status === 'Ignored').length;
  ignoredAll += ignored;
  staticSurvivedAll += counted.filter((m) => m.static && !KILLED.has(m.status)).length;
  const killed = counted.filter((m) => KILLED.has(m.status)).length;
  killedAll += killed;
  countedAll += counted.length;
  const score = counted.length === 0 ? 100 : (100 * killed) / counted.length;
  lines.push(
    `${score.toFixed(1).padStart(5)} %  ${String(killed).padStart(4)}/${String(counted.length).padEnd(4)} ${file}`,
  );
  if (process.env.SURVIVORS !== '0') {
    for (const m of counted
      .filter((x) => !KILLED.has(x.status))
      .sort((a, b) => a.location.start.line - b.location.start.line)) {
      const replacement = (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 90);
      lines.push(
        `        ${m.status === 'NoCoverage' ? 'no-cov' : 'survived'}${m.static ? ' (static)' : ''} :${m.location.start.line}:${m.location.start.column} ${m.mutatorName} → ${replacement}`,
      );
    }
  }
}
console.log(lines.join('\n'));
console.log(
  `${((100 * killedAll) / Math.max(countedAll, 1)).toFixed(1)} % of ${countedAll} mutants killed (${area}); ${ignoredAll} static mutants left out, ${staticSurvivedAll} static survivors`,
);
