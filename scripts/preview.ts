// `npm run preview -- --session 77`: what people will look at, for sample sessions, written to preview/out/<session>/:
// the Slack payload and a Block Kit Builder link, the Teams card as JSON, HTML (Microsoft's adaptivecards renderer) and a
// PNG (headless Chromium, skipped with a note when Chromium is missing), the PagerDuty event and the generic webhook body.
// `--readme` also refreshes docs/img/teams-{success,warning,failure}.png from sessions 38, 52 and 77.
import { execFile } from 'node:child_process';
import { accessSync, constants, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Context } from 'aws-lambda';
import { loadConfig } from '../src/config/notifier.ts';
import { startApplianceEmulator } from '../src/dev/appliance-emulator.ts';
import { parseCommandLine, runTool, UsageError } from '../src/dev/cli.ts';
import { SAMPLE_SESSIONS } from '../src/dev/sample-sessions.ts';
import { type RecordedPost, startWebhookSink } from '../src/dev/webhook-sink.ts';
import { createLogger } from '../src/logger.ts';
import { noMetrics } from '../src/metrics.ts';
import { createRuntime } from '../src/runtime.ts';
import { createHandler } from '../src/triggers/router.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ADAPTIVE_CARDS_JS = join(ROOT, 'node_modules/adaptivecards/dist/adaptivecards.min.js');
const CARD_WIDTH = 640;

/** What the preview shows: a console link, an on-call mention in both chats, PagerDuty and the generic webhook. */
const PREVIEW_ENV = {
  SESSION_URL_TEMPLATE: 'https://backup.example.com/#/sessions/{sessionId}',
  SLACK_MENTION_ON_FAILURE: '<!subteam^S0123ABC>',
  TEAMS_MENTION_ON_FAILURE: 'alice@contoso.com|Alice Smith',
  PAGERDUTY_ROUTING_KEY: 'PreviewRoutingKey0000000000000000',
};

/** Where one session's preview went, and whether a PNG was made. */
export interface PreviewResult {
  readonly sessionId: string;
  readonly dir: string;
  readonly files: readonly string[];
  readonly png: string | undefined;
  readonly blockKitBuilderUrl: string | undefined;
}

/** Block Kit Builder opens a payload given as the URL-encoded JSON of `{ blocks }` after the `#`. */
export function blockKitBuilderUrl(slackPayload: { blocks?: unknown }): string {
  return `https://app.slack.com/block-kit-builder/#${encodeURIComponent(JSON.stringify({ blocks: slackPayload.blocks ?? [] }))}`;
}

/** The first Chromium on PATH (Debian's `chromium`, or Chrome), or undefined. */
export function findChromium(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/**
 * An HTML page that renders `card` with Microsoft's adaptivecards library, styled like Teams' light theme. The library has
 * no markdown engine of its own; a small one here covers what our cards use (bold, italics, escapes, `<at>` mentions).
 */
export function teamsCardHtml(card: unknown, title: string): string {
  const hostConfig = {
    fontFamily: "'Segoe UI', 'Noto Sans', 'DejaVu Sans', system-ui, sans-serif",
    spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
    fontSizes: { small: 12, default: 14, medium: 16, large: 18, extraLarge: 24 },
    containerStyles: {
      default: {
        backgroundColor: '#FFFFFF',
        foregroundColors: {
          default: { default: '#242424', subtle: '#616161' },
          accent: { default: '#5B5FC7', subtle: '#5B5FC7' },
          good: { default: '#0E7A0B', subtle: '#0E7A0B' },
          warning: { default: '#835B00', subtle: '#835B00' },
          attention: { default: '#C4314B', subtle: '#C4314B' },
        },
      },
    },
    actions: { actionsOrientation: 'horizontal', actionAlignment: 'left', buttonSpacing: 8, spacing: 'default' },
    factSet: { title: { weight: 'bolder', wrap: true, maxWidth: 150 }, value: { wrap: true }, spacing: 8 },
  };
  const json = (value: unknown) => JSON.stringify(value).replaceAll('<', '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title.replace(/[<&]/g, '')}</title>
<style>
  body { margin: 0; background: #F5F5F5; font-family: 'Segoe UI', 'Noto Sans', 'DejaVu Sans', sans-serif; }
  #frame { width: ${CARD_WIDTH}px; margin: 16px; }
  #sender { font-size: 12px; color: #616161; margin: 0 0 6px 2px; }
  #sender b { color: #242424; font-weight: 600; }
  #card { background: #fff; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.18); overflow: hidden; }
  #card .ac-pushButton { background: #fff; border: 1px solid #D1D1D1; border-radius: 4px; color: #242424; font-weight: 600;
    padding: 6px 14px; font-size: 14px; font-family: inherit; }
  .mention { color: #5B5FC7; font-weight: 600; }
</style>
<script src="${pathToFileURL(ADAPTIVE_CARDS_JS).href}"></script>
</head><body><div id="frame"><div id="sender"><b>Workflows</b> &nbsp;job-session-notifier</div><div id="card"></div></div>
<script>
  const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
    const slots = [];
    let html = escapeHtml(text)
      .replace(/\\\\([\\\\*_\\[\\]\`#>+\\-.()])/g, (m, c) => { slots.push(c); return '\\u0000' + (slots.length - 1) + '\\u0000'; })
      .replace(/&lt;at&gt;(.*?)&lt;\\/at&gt;/g, '<span class="mention">$1</span>')
      .replace(/\\*\\*(.+?)\\*\\*/g, '<strong>$1</strong>')
      .replace(/(^|[^\\w*])[*_](\\S(?:.*?\\S)?)[*_](?![\\w*])/g, '$1<em>$2</em>')
      .replace(/\\n/g, '<br>');
    html = html.replace(/\\u0000(\\d+)\\u0000/g, (m, i) => escapeHtml(slots[Number(i)]));
    result.outputHtml = html;
    result.didProcess = true;
  };
  const card = new AdaptiveCards.AdaptiveCard();
  card.hostConfig = new AdaptiveCards.HostConfig(${json(hostConfig)});
  card.parse(${json(card)});
  const rendered = card.render();
  document.getElementById('card').appendChild(rendered);
  document.body.setAttribute('data-height', String(document.getElementById('frame').getBoundingClientRect().bottom + 16));
</script></body></html>
`;
}

/**
 * Screenshots `htmlFile` to `pngFile` with headless Chromium, `width` wide and as tall as the page says in its body's
 * data-height (a first pass measures it).
 */
export async function screenshot(
  chromium: string,
  htmlFile: string,
  pngFile: string,
  timeZone: string,
  width = CARD_WIDTH + 32,
): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'preview-chromium-'));
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--hide-scrollbars',
    '--allow-file-access-from-files',
    '--lang=en-US',
    `--user-data-dir=${profile}`,
  ];
  const env = { ...process.env, TZ: timeZone, LANG: 'en_US.UTF-8' };
  const url = pathToFileURL(htmlFile).href;
  try {
    const { stdout } = await run(chromium, [...flags, '--dump-dom', url], { env, timeout: 60_000 });
    const height = Math.ceil(Number(/data-height="([\d.]+)"/.exec(stdout)?.[1] ?? 900));
    await run(chromium, [...flags, `--screenshot=${pngFile}`, `--window-size=${width},${height}`, url], {
      env,
      timeout: 60_000,
    });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Runs the real handler for each session against the emulator and a local sink, and writes what each destination got. */
export async function runPreview(options: {
  sessions: readonly string[];
  outDir: string;
  /** Path to Chromium, or null to skip the PNGs. */
  chromium: string | null;
  timeZone?: string;
  log?: (line: string) => void;
}): Promise<PreviewResult[]> {
  const log = options.log ?? console.log;
  const user = { username: 'preview', password: 'preview-only-password' };
  const emulator = await startApplianceEmulator({ users: [user] });
  const posts: RecordedPost[] = [];
  const sink = await startWebhookSink({ onPost: (post) => posts.push(post) });
  const config = loadConfig({
    BACKUP_API_URL: emulator.url,
    BACKUP_API_USERNAME: user.username,
    BACKUP_API_PASSWORD: user.password,
    SLACK_WEBHOOK_URL: sink.urlFor('slack'),
    TEAMS_WEBHOOK_URL: sink.urlFor('teams'),
    GENERIC_WEBHOOK_URL: sink.urlFor('generic'),
    PAGERDUTY_EVENTS_URL: `${sink.url}/pagerduty/v2/enqueue`,
    ...PREVIEW_ENV,
  });
  const handler = createHandler(() =>
    createRuntime(config, { logger: createLogger({ logLevel: 'SILENT' }), metrics: noMetrics }),
  );
  const results: PreviewResult[] = [];
  try {
    for (const sessionId of options.sessions) {
      posts.length = 0;
      const end = Date.now() + 30_000;
      const context = { awsRequestId: `preview-${sessionId}`, getRemainingTimeInMillis: () => end - Date.now() };
      await handler({ sessionId }, context as Context);
      const dir = join(options.outDir, `session-${sessionId}`);
      mkdirSync(dir, { recursive: true });
      const files: string[] = [];
      const write = (name: string, content: string) => {
        writeFileSync(join(dir, name), content);
        files.push(join(dir, name));
      };
      const byName = (name: string) => posts.find((p) => p.name === name)?.json;
      const slack = byName('slack') as { blocks?: unknown } | undefined;
      const teams = byName('teams') as { attachments: [{ content: unknown }] } | undefined;
      let builderUrl: string | undefined;
      if (slack) {
        write('slack.json', `${JSON.stringify(slack, null, 2)}\n`);
        builderUrl = blockKitBuilderUrl(slack);
        write('slack-block-kit-builder.url', `${builderUrl}\n`);
      }
      for (const name of ['pagerduty', 'generic']) {
        const body = byName(name);
        if (body !== undefined) write(`${name}.json`, `${JSON.stringify(body, null, 2)}\n`);
      }
      let png: string | undefined;
      if (teams) {
        write('teams.json', `${JSON.stringify(teams, null, 2)}\n`);
        const html = join(dir, 'teams.html');
        write('teams.html', teamsCardHtml(teams.attachments[0].content, `session ${sessionId}`));
        if (options.chromium === null) {
          log(`  session ${sessionId}: Chromium not found; skipping teams.png (apt-get install chromium to get it)`);
        } else {
          png = join(dir, 'teams.png');
          await screenshot(options.chromium, html, png, options.timeZone ?? 'Europe/Berlin');
          files.push(png);
        }
      }
      log(`  session ${sessionId}: ${files.map((f) => f.slice(options.outDir.length + 1)).join(', ')}`);
      results.push({ sessionId, dir, files, png, blockKitBuilderUrl: builderUrl });
    }
  } finally {
    await Promise.all([emulator.close(), sink.close()]);
  }
  return results;
}

const README_IMAGES = [
  ['38', 'teams-success.png'],
  ['52', 'teams-warning.png'],
  ['77', 'teams-failure.png'],
] as const;

const USAGE = `usage: npm run preview -- [--session <id> ...] [--readme] [--out <dir>] [--time-zone <IANA zone>] [--debug]
Sample sessions: ${[...SAMPLE_SESSIONS.keys()].join(', ')}. --readme refreshes docs/img/teams-{success,warning,failure}.png.`;

const OPTIONS = {
  session: { type: 'string', short: 's', multiple: true },
  out: { type: 'string', default: join(ROOT, 'preview/out') },
  readme: { type: 'boolean', default: false },
  'time-zone': { type: 'string', default: 'Europe/Berlin' },
  help: { type: 'boolean', short: 'h', default: false },
  debug: { type: 'boolean', default: false },
} as const;

/** The sessions and time zone the command line asks for, refused with a UsageError when the samples lack one. */
export function previewArguments(argv: readonly string[]) {
  const { values } = parseCommandLine(argv, OPTIONS);
  const unknown = (values.session ?? []).filter((id) => !SAMPLE_SESSIONS.has(id));
  if (unknown.length > 0) {
    throw new UsageError(
      `no sample session ${unknown.join(', ')} (the samples are ${[...SAMPLE_SESSIONS.keys()].join(', ')})`,
    );
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: values['time-zone'] });
  } catch {
    throw new UsageError(`--time-zone ${values['time-zone']} is not an IANA time zone (e.g. Europe/Berlin)`);
  }
  return values;
}

async function main(): Promise<number> {
  const values = previewArguments(process.argv.slice(2));
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const chromium = findChromium() ?? null;
  if (chromium === null) console.log('Chromium not found on PATH: writing JSON and HTML only, no PNG screenshots.');
  const sessions = values.readme ? README_IMAGES.map(([id]) => id) : (values.session ?? ['77']);
  const outDir = resolve(values.out);
  console.log(`Writing previews to ${outDir}`);
  const results = await runPreview({ sessions, outDir, chromium, timeZone: values['time-zone'] });
  for (const result of results) {
    if (result.blockKitBuilderUrl) {
      console.log(`  session ${result.sessionId} in Block Kit Builder: ${result.blockKitBuilderUrl.slice(0, 100)}…`);
    }
  }
  if (values.readme && chromium !== null) {
    mkdirSync(join(ROOT, 'docs/img'), { recursive: true });
    for (const [id, name] of README_IMAGES) {
      const png = results.find((r) => r.sessionId === id)?.png;
      if (png) copyFileSync(png, join(ROOT, 'docs/img', name));
    }
    console.log('Refreshed docs/img/teams-{success,warning,failure}.png');
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runTool(USAGE, main);
