import { describeOutcome } from '../status.ts';
import { describeSteps } from '../summarize.ts';
import type { Notification, ProblemReport, ProblemStep, Summary } from '../summary.ts';
import { formatDuration, formatUtcTime } from '../timespan.ts';
import { escapeSlackText, escapeToFit, sanitizeSlackPlainText, truncate } from './escape.ts';

/** A Slack text object; mrkdwn text must already be escaped. */
export interface SlackText {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
  readonly emoji?: boolean;
}

/** The Block Kit blocks this renderer emits (a subset of Slack's). */
export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackText }
  | { readonly type: 'section'; readonly text: SlackText }
  | { readonly type: 'section'; readonly fields: readonly SlackText[] }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] };

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
export function renderSlack(notification: Notification): SlackMessage {
  return notification.kind === 'problem' ? renderProblem(notification.problem) : renderSummary(notification.summary);
}

function header(text: string): SlackBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncate(sanitizeSlackPlainText(text), SLACK_LIMITS.headerText), emoji: true },
  };
}

function renderSummary(summary: Summary): SlackMessage {
  const outcome = describeOutcome(summary.worst);
  const session = fitSlack(summary.sessionId, 100);
  const duration = summary.durationMs === null ? 'unknown' : formatDuration(summary.durationMs);
  const base: SlackBlock[] = [
    header(`${outcome.emoji} ${outcome.words}: session ${truncate(summary.sessionId, 100)}`),
    {
      type: 'section',
      fields: [
        mrkdwn(`*Outcome*\n${outcome.emoji} ${outcome.words}`),
        mrkdwn(`*Session*\n${session}`),
        mrkdwn(`*Steps*\n${fitSlack(describeSteps(summary, 1_000), 1_000)}`),
        mrkdwn(`*Duration*\n${duration}`),
      ],
    },
  ];
  if (summary.startedAt !== null && summary.endedAt !== null) {
    base.push({
      type: 'context',
      elements: [mrkdwn(`Started ${formatUtcTime(summary.startedAt)} · ended ${formatUtcTime(summary.endedAt)}`)],
    });
  }
  const text = fallback(summary, `${outcome.emoji} ${outcome.words}`);
  for (const detail of DETAIL_LEVELS) {
    const blocks = [...base, ...problemBlocks(summary, detail)];
    if (withinLimits(blocks)) return { text, blocks };
  }
  return { text, blocks: base };
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
    if ('elements' in block) for (const element of block.elements) total += element.text.length;
  }
  return total;
}

function withinLimits(blocks: readonly SlackBlock[]): boolean {
  return blocks.length <= SLACK_LIMITS.blocks && slackBlockChars(blocks) <= SLACK_LIMITS.totalBlockChars;
}

/** The notification text: one plain-language line plus the first problems, escaped like everything else. */
function fallback(summary: Summary, outcome: string): string {
  const duration = summary.durationMs === null ? '' : `, ${formatDuration(summary.durationMs)}`;
  const line = `${outcome}: session ${summary.sessionId} (${describeSteps(summary, 300)}${duration})`;
  const first = summary.problems.slice(0, 3).map((p) => `${p.status}: ${truncate(p.message, 200)}`);
  const text = first.length > 0 ? `${line}. ${first.join(' | ')}` : line;
  return fitSlack(text, SLACK_LIMITS.fallbackText);
}

function renderProblem(problem: ProblemReport): SlackMessage {
  const title = `❌ Could not read session ${truncate(problem.sessionId, 100)}`;
  const detail = fitSlack(problem.detail, 2_000);
  const fields = [
    mrkdwn(`*Session*\n${fitSlack(problem.sessionId, 100)}`),
    mrkdwn(`*Reason*\n${fitSlack(problem.failure, 100)}`),
  ];
  if (problem.statusCode !== null) fields.push(mrkdwn(`*HTTP status*\n${problem.statusCode}`));
  return {
    text: fitSlack(`${title}: ${problem.detail}`, SLACK_LIMITS.fallbackText),
    blocks: [header(title), { type: 'section', text: mrkdwn(detail) }, { type: 'section', fields }],
  };
}
