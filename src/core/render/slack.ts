import { applianceLabel, headlineOf, sessionTimes, severityOf } from '../context.ts';
import { memoryLines } from '../history/lines.ts';
import { describeOutcome } from '../status.ts';
import { describeSteps } from '../summarize.ts';
import type { Notification, ProblemReport, ProblemStep, SessionContext, Summary } from '../summary.ts';
import { formatDuration, formatUtcTime } from '../time.ts';
import { escapeSlackText, escapeToFit, sanitizeSlackPlainText, truncate } from './escape.ts';
import { sessionFacts } from './facts.ts';

/** A Slack plain-text object (headers and buttons take only these). */
export interface SlackPlainText {
  readonly type: 'plain_text';
  readonly text: string;
  readonly emoji?: boolean;
}

/** A Slack text object; mrkdwn text must already be escaped. */
export type SlackText = SlackPlainText | { readonly type: 'mrkdwn'; readonly text: string };

/** A link button (Block Kit `button` with a `url`): opens the session in the appliance console. */
export interface SlackLinkButton {
  readonly type: 'button';
  readonly text: SlackPlainText;
  readonly url: string;
  readonly action_id: string;
}

/** The Block Kit blocks this renderer emits (a subset of Slack's). */
export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackPlainText }
  | { readonly type: 'section'; readonly text: SlackText }
  | { readonly type: 'section'; readonly fields: readonly SlackText[] }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] }
  | { readonly type: 'actions'; readonly elements: readonly SlackLinkButton[] };

/** What the Slack destination decided for this message: whom to ping (trusted, validated config), if anyone. */
export interface SlackRenderOptions {
  /** e.g. "<!subteam^S0123>" or "<@U0123>": inserted verbatim, outside all escaped text. */
  readonly mention?: string | undefined;
}

/** Slack caps a button's URL at 3,000 characters. */
const MAX_BUTTON_URL = 3_000;

/** A Slack incoming-webhook payload: Block Kit blocks plus the plain-language fallback used by notifications. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** Slack's documented limits, and our own total budget so a message stays readable and well under Slack's caps. */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3_000,
  fields: 10,
  fieldText: 2_000,
  contextElements: 10,
  totalBlockChars: 12_000,
  fallbackText: 4_000,
} as const;

/** How much of the problem list one attempt shows; later attempts show less until the message fits. */
interface Detail {
  readonly perGroup: number;
  readonly messageChars: number;
}

// From generous to bare: the first that fits SLACK_LIMITS wins, and the last always fits.
const DETAIL_LEVELS: readonly Detail[] = [
  { perGroup: 10, messageChars: 500 },
  { perGroup: 10, messageChars: 200 },
  { perGroup: 5, messageChars: 150 },
  { perGroup: 3, messageChars: 80 },
  { perGroup: 0, messageChars: 0 },
];

const mrkdwn = (text: string): SlackText => ({ type: 'mrkdwn', text });
const fitSlack = (text: string, max: number): string => escapeToFit(text, max, escapeSlackText);

/** Renders a notification as a Slack Block Kit message that stays within Slack's limits for any input size. */
export function renderSlack(notification: Notification, options: SlackRenderOptions = {}): SlackMessage {
  return notification.kind === 'problem'
    ? renderProblem(notification, notification.problem)
    : renderSummary(notification, notification.summary, options.mention);
}

/**
 * A time every reader sees in their own time zone, with the UTC time as the fallback for clients that cannot localise:
 * `<!date^1710205204^{date_short_pretty} at {time}|2024-03-12 01:00:04 UTC>`.
 */
export function slackLocalTime(iso: string): string {
  const unix = Math.floor(Date.parse(iso) / 1000);
  return `<!date^${unix}^{date_short_pretty} at {time}|${formatUtcTime(iso)}>`;
}

/** What the policy's memory says, as one context block (times in each reader's zone); none without history. */
function memoryBlock(notification: Notification): SlackBlock[] {
  const lines = memoryLines(notification.memory, slackLocalTime);
  return lines.length === 0 ? [] : [{ type: 'context', elements: [mrkdwn(lines.join('\n'))] }];
}

function timesLine(notification: Notification): SlackBlock | undefined {
  const { startedAt, endedAt } = sessionTimes(notification);
  const parts = [
    startedAt === null ? undefined : `Started ${slackLocalTime(startedAt)}`,
    endedAt === null ? undefined : `ended ${slackLocalTime(endedAt)}`,
  ].filter((p) => p !== undefined);
  return parts.length === 0 ? undefined : { type: 'context', elements: [mrkdwn(parts.join(' · '))] };
}

function linkButton(session: SessionContext | undefined): SlackBlock | undefined {
  if (!session?.url || session.url.length > MAX_BUTTON_URL) return undefined;
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        text: { type: 'plain_text', text: 'Open session in console', emoji: true },
        url: session.url,
        action_id: 'open-session',
      },
    ],
  };
}

function jobField(session: SessionContext | undefined): SlackText {
  if (!session?.policyName) {
    return mrkdwn(`*Job*
_unknown${session?.fetched ? '' : ' (session details unavailable)'}_`);
  }
  const type = session.type ? ` (${fitSlack(session.type, 100)})` : '';
  return mrkdwn(`*Job*
${fitSlack(session.policyName, 300)}${type}`);
}

function header(text: string): SlackBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncate(sanitizeSlackPlainText(text), SLACK_LIMITS.headerText), emoji: true },
  };
}

function renderSummary(notification: Notification, summary: Summary, mention: string | undefined): SlackMessage {
  const outcome = describeOutcome(severityOf(notification));
  const session = fitSlack(summary.sessionId, 100);
  const { durationMs } = sessionTimes(notification);
  const context = notification.session;
  const headline = truncate(headlineOf(notification), 400);
  const fields = [
    jobField(context),
    mrkdwn(`*Outcome*\n${outcome.emoji} ${outcome.words}`),
    mrkdwn(`*Session*\n${session}`),
    mrkdwn(`*Steps*\n${fitSlack(describeSteps(summary, 1_000), 1_000)}`),
    mrkdwn(`*Duration*\n${durationMs === null ? 'unknown' : formatDuration(durationMs)}`),
  ];
  if (context?.status) fields.push(mrkdwn(`*Appliance status*\n${fitSlack(context.status, 100)}`));
  const appliance = applianceLabel(notification);
  if (appliance) fields.push(mrkdwn(`*Appliance*\n${fitSlack(appliance, 100)}`));
  const base: SlackBlock[] = [header(headline), ...memoryBlock(notification)];
  // The mention is trusted config (validated by the config), placed outside every escaped text.
  if (mention) base.push({ type: 'section', text: mrkdwn(`🔔 ${mention} please take a look.`) });
  base.push({ type: 'section', fields });
  const times = timesLine(notification);
  if (times) base.push(times);
  const facts = sessionFacts(notification, 1_000).map((f) => `*${f.label}*: ${fitSlack(f.text, 1_000)}`);
  if (facts.length > 0) base.push({ type: 'section', text: mrkdwn(facts.join('\n')) });
  const link = linkButton(context);
  const text = fallback(summary, headline, mention);
  for (const detail of DETAIL_LEVELS) {
    const blocks = [...base, ...problemBlocks(summary, detail), ...(link ? [link] : [])];
    if (withinLimits(blocks)) return { text, blocks };
  }
  return { text, blocks: [...base, ...(link ? [link] : [])] };
}

function problemBlocks(summary: Summary, detail: Detail): SlackBlock[] {
  const groups = [
    { severity: 'failed', title: 'Failed steps', noun: 'failed', total: summary.failedCount },
    { severity: 'warning', title: 'Warnings', noun: 'warning', total: summary.warningCount },
  ] as const;
  const blocks: SlackBlock[] = [];
  for (const group of groups) {
    if (group.total === 0) continue;
    const shown = summary.problems.filter((p) => p.severity === group.severity).slice(0, detail.perGroup);
    const lines = shown.map((p) => problemLine(p, detail.messageChars));
    const more = group.total - shown.length;
    if (more > 0) lines.push(`_…and ${more} more ${group.noun} ${more === 1 ? 'step' : 'steps'}_`);
    blocks.push(...packSections(`*${group.title} (${group.total})*`, lines));
  }
  return blocks;
}

function problemLine(step: ProblemStep, messageChars: number): string {
  const message = step.message.trim() === '' ? '_(no message)_' : fitSlack(step.message, messageChars);
  return `• *${fitSlack(step.status, 40)}*: ${message}`;
}

/** Packs lines into as few sections as SLACK_LIMITS.sectionText allows; each line is already short enough. */
function packSections(title: string, lines: readonly string[]): SlackBlock[] {
  const sections: SlackBlock[] = [];
  let current = title;
  for (const line of lines) {
    if (current.length + 1 + line.length > SLACK_LIMITS.sectionText) {
      sections.push({ type: 'section', text: mrkdwn(current) });
      current = line;
    } else {
      current = `${current}\n${line}`;
    }
  }
  sections.push({ type: 'section', text: mrkdwn(current) });
  return sections;
}

/** Counts the characters a reader could see across all blocks (every text string). */
export function slackBlockChars(blocks: readonly SlackBlock[]): number {
  let total = 0;
  for (const block of blocks) {
    if ('text' in block) total += block.text.text.length;
    if ('fields' in block) for (const field of block.fields) total += field.text.length;
    if ('elements' in block) {
      for (const element of block.elements) total += 'url' in element ? element.text.text.length : element.text.length;
    }
  }
  return total;
}

function withinLimits(blocks: readonly SlackBlock[]): boolean {
  return blocks.length <= SLACK_LIMITS.blocks && slackBlockChars(blocks) <= SLACK_LIMITS.totalBlockChars;
}

/** The notification text: the headline, the step counts and the first problems, escaped; the mention leads unescaped. */
function fallback(summary: Summary, headline: string, mention: string | undefined): string {
  const duration = summary.durationMs === null ? '' : `, ${formatDuration(summary.durationMs)}`;
  const line = `${headline} (${describeSteps(summary, 300)}${duration})`;
  const first = summary.problems.slice(0, 3).map((p) => `${p.status}: ${truncate(p.message, 200)}`);
  const text = first.length > 0 ? `${line}. ${first.join(' | ')}` : line;
  if (!mention) return fitSlack(text, SLACK_LIMITS.fallbackText);
  return `${mention} ${fitSlack(text, SLACK_LIMITS.fallbackText - mention.length - 1)}`;
}

function renderProblem(notification: Notification, problem: ProblemReport): SlackMessage {
  const title = truncate(headlineOf(notification), 400);
  const detail = fitSlack(problem.detail, 2_000);
  const fields = [
    mrkdwn(`*Session*\n${fitSlack(problem.sessionId, 100)}`),
    mrkdwn(`*Reason*\n${fitSlack(problem.failure, 100)}`),
  ];
  if (problem.statusCode !== null) fields.push(mrkdwn(`*HTTP status*\n${problem.statusCode}`));
  if (notification.session?.policyName) fields.unshift(jobField(notification.session));
  const appliance = applianceLabel(notification);
  if (appliance) fields.push(mrkdwn(`*Appliance*\n${fitSlack(appliance, 100)}`));
  const link = linkButton(notification.session);
  return {
    text: fitSlack(`${title}: ${problem.detail}`, SLACK_LIMITS.fallbackText),
    blocks: [
      header(title),
      ...memoryBlock(notification),
      { type: 'section', text: mrkdwn(detail) },
      { type: 'section', fields },
      ...(link ? [link] : []),
    ],
  };
}
