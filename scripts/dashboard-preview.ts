// `npm run preview:dashboard`: draws the CloudWatch dashboard that serverless.yml deploys, from the dashboard JSON in
// the packaged template, with made-up sample data (CloudWatch is not reachable from here), and screenshots it with
// headless Chromium into docs/img/dashboard.png for the README. Every chart says "sample data".
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CliFailure, parseCommandLine, runTool } from '../src/dev/cli.ts';
import { findChromium, screenshot } from './preview.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEMPLATE = join(ROOT, '.serverless/cloudformation-template-update-stack.json');
const UNIT = 46;
const WIDTH = 24 * UNIT + 32;

/** One metric line of a widget: a metric with its options, or a math/SEARCH expression. */
type MetricRow = readonly (string | Record<string, unknown>)[];
export interface Widget {
  readonly type: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: { readonly title: string; readonly stacked?: boolean; readonly metrics: readonly MetricRow[] };
}
export interface Dashboard {
  readonly widgets: readonly Widget[];
}

/**
 * The dashboard JSON of the packaged template, its `${…}` references filled as CloudFormation would (region,
 * queue and function names), for `stage`.
 */
export function dashboardFromTemplate(template: { Resources: Record<string, unknown> }, stage = 'ci'): Dashboard {
  const resource = template.Resources.OperationsDashboard as
    | { Properties: { DashboardBody: { 'Fn::Sub': string } } }
    | undefined;
  if (resource === undefined)
    throw new CliFailure('the packaged template has no OperationsDashboard (dashboard: false?)');
  const names: Record<string, string> = {
    'AWS::Region': 'eu-west-1',
    'JobQueueDeadLetterQueue.QueueName': `job-session-notifier-${stage}-jobs-dlq`,
    'AsyncFailureQueue.QueueName': `job-session-notifier-${stage}-async-failures`,
    NotifierLambdaFunction: `job-session-notifier-${stage}-notifier`,
    WatcherLambdaFunction: `job-session-notifier-${stage}-watcher`,
  };
  const body = resource.Properties.DashboardBody['Fn::Sub'].replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
    const value = names[name];
    if (value === undefined) throw new CliFailure(`the dashboard refers to \${${name}}, which the preview cannot fill`);
    return value;
  });
  return JSON.parse(body) as Dashboard;
}

/** The series a row shows: a SEARCH expression stands for one series per value of its last dimension. */
export function seriesOf(row: MetricRow): string[] {
  const options = row.find((part): part is Record<string, unknown> => typeof part === 'object') ?? {};
  if (typeof options.expression === 'string') {
    const dimension = /,(\w+)\}/.exec(options.expression)?.[1] ?? 'value';
    return SEARCH_SAMPLES[dimension] ?? [dimension];
  }
  return [String(options.label ?? row.filter((part) => typeof part === 'string')[1] ?? 'metric')];
}

const SEARCH_SAMPLES: Readonly<Record<string, string[]>> = {
  outcome: ['succeeded', 'warning', 'failed', 'unreadable'],
  destination: ['slack', 'teams', 'pagerduty'],
  kind: ['timeout', 'not-found'],
};

/** A deterministic pseudo-random sequence, so the picture only changes when the dashboard does. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** 48 half-hour points of sample data for one series, shaped by what it measures. */
function sample(series: string, title: string, next: () => number): number[] {
  const latency = /latency|lag/i.test(title);
  const base = latency
    ? ({ p50: 900, p99: 2600, max: 4200 }[series] ?? 1000)
    : (({ succeeded: 6, warning: 1.2, found: 3, notified: 3 } as Record<string, number>)[series] ?? 0.3);
  return Array.from({ length: 48 }, (_, i) => {
    const night = i >= 2 && i <= 12 ? 2.5 : 1;
    const spike = !latency && base < 1 && next() > 0.9 ? 2 + Math.round(next() * 2) : 0;
    const value = latency
      ? base * (0.8 + next() * 0.5)
      : Math.max(0, Math.round(base * night * (0.5 + next())) + spike);
    return base < 1 && !latency ? (next() > 0.8 ? value : spike) : value;
  });
}

const COLOURS = ['#1f77b4', '#ff7f0e', '#d62728', '#9467bd', '#2ca02c', '#8c564b', '#e377c2'];

/** One widget as an SVG line (or stacked area) chart of its sample series. */
function chart(widget: Widget, next: () => number): string {
  const w = widget.width * UNIT - 12;
  const h = widget.height * UNIT - 12;
  const series = widget.properties.metrics.flatMap(seriesOf).map((name) => ({
    name,
    values: sample(name, widget.properties.title, next),
  }));
  const stacked = widget.properties.stacked === true;
  const tops = series.map(
    (_, k) =>
      series[0]?.values.map((_, i) =>
        series.slice(0, k + 1).reduce((sum, s) => sum + (stacked || s === series[k] ? (s.values[i] ?? 0) : 0), 0),
      ) ?? [],
  );
  const max = Math.max(1, ...tops.flat()) * 1.1;
  const [left, top, plotW, plotH] = [44, 34, w - 56, h - 78];
  const px = (i: number) => left + (i / 47) * plotW;
  const py = (v: number) => top + plotH - (v / max) * plotH;
  const paths = tops
    .map((values, k) => {
      const line = values.map((v, i) => `${i === 0 ? 'M' : 'L'}${px(i).toFixed(1)},${py(v).toFixed(1)}`).join('');
      const colour = COLOURS[k % COLOURS.length];
      return stacked
        ? `<path d="${line}L${px(47)},${py(0)}L${px(0)},${py(0)}Z" fill="${colour}" fill-opacity="0.9" stroke="${colour}"/>`
        : `<path d="${line}" fill="none" stroke="${colour}" stroke-width="1.6"/>`;
    })
    .reverse()
    .join('');
  const grid = [0, 0.5, 1]
    .map(
      (f) =>
        `<line x1="${left}" x2="${left + plotW}" y1="${py(max * f)}" y2="${py(max * f)}" stroke="#e5e5e5"/>` +
        `<text x="${left - 6}" y="${py(max * f) + 4}" text-anchor="end">${Math.round(max * f)}</text>`,
    )
    .join('');
  const hours = [0, 12, 24, 36, 47]
    .map(
      (i) =>
        `<text x="${px(i)}" y="${top + plotH + 16}" text-anchor="${i === 47 ? 'end' : 'middle'}">${String(Math.floor(i / 2)).padStart(2, '0')}:00</text>`,
    )
    .join('');
  const legend = series
    .map((s, k) => `<tspan fill="${COLOURS[k % COLOURS.length]}">■</tspan> ${escapeXml(s.name)}`)
    .join('   ');
  return `<div class="widget" style="grid-column:${widget.x + 1}/span ${widget.width};grid-row:${widget.y + 1}/span ${widget.height}">
<svg width="${w}" height="${h}"><text class="title" x="8" y="20">${escapeXml(widget.properties.title)}</text>
<text class="sample" x="${w - 8}" y="20" text-anchor="end">sample data</text>${grid}${hours}${paths}
<text x="${left}" y="${h - 10}">${legend}</text></svg></div>`;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The whole dashboard as one HTML page, laid out on CloudWatch's 24-column grid. */
export function dashboardHtml(dashboard: Dashboard, name: string): string {
  const next = random(20_261_130);
  const rows = Math.max(...dashboard.widgets.map((w) => w.y + w.height));
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;padding:16px;background:#f2f3f3;font:12px 'Noto Sans','DejaVu Sans',sans-serif;color:#16191f}
h1{font-size:16px;margin:0 0 10px}h1 span{color:#d13212;font-weight:normal}
.grid{display:grid;grid-template-columns:repeat(24,${UNIT}px);grid-auto-rows:${UNIT}px}
.widget{background:#fff;border:1px solid #d5dbdb;margin:3px;border-radius:2px}
svg text{font-size:11px;fill:#545b64}svg text.title{font-size:13px;font-weight:bold;fill:#16191f}
svg text.sample{fill:#d13212;font-style:italic}
</style></head><body data-height="${rows * UNIT + 80}">
<h1>CloudWatch dashboard ${escapeXml(name)} <span>— sample data, not from a deployment</span></h1>
<div class="grid">${dashboard.widgets.map((w) => chart(w, next)).join('\n')}</div></body></html>`;
}

const USAGE = `usage: npm run preview:dashboard -- [--out docs/img/dashboard.png] [--debug]
Packages the stack (npm run package) when .serverless/ has no template, then draws its dashboard with sample data.`;

async function main(): Promise<number> {
  const { values } = parseCommandLine(process.argv.slice(2), {
    out: { type: 'string', default: join(ROOT, 'docs/img/dashboard.png') },
    help: { type: 'boolean', short: 'h', default: false },
    debug: { type: 'boolean', default: false },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const chromium = findChromium();
  if (chromium === undefined) throw new CliFailure('Chromium not found on PATH (apt-get install chromium)');
  if (!existsSync(TEMPLATE)) execFileSync('npm', ['run', '-s', 'package'], { cwd: ROOT, stdio: 'inherit' });
  const dashboard = dashboardFromTemplate(JSON.parse(readFileSync(TEMPLATE, 'utf8')));
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-preview-'));
  try {
    const html = join(dir, 'dashboard.html');
    writeFileSync(html, dashboardHtml(dashboard, 'job-session-notifier-prod'));
    mkdirSync(join(values.out, '..'), { recursive: true });
    await screenshot(chromium, html, values.out, 'UTC', WIDTH);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`Wrote ${values.out} (sample data)`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runTool(USAGE, main);
