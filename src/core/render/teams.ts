import { describeOutcome } from '../status.ts';
import { describeSteps } from '../summarize.ts';
import type { Notification, ProblemReport, ProblemStep, Severity, Summary } from '../summary.ts';
import { formatDuration, formatUtcTime } from '../timespan.ts';
import { escapeTeamsText, escapeToFit } from './escape.ts';

/** The Adaptive Card elements this renderer emits (a subset of the 1.4 schema). */
export type CardElement =
  | {
      readonly type: 'TextBlock';
      readonly text: string;
      readonly wrap: true;
      readonly weight?: 'Bolder';
      readonly size?: 'Large' | 'Medium';
      readonly color?: CardColor;
      readonly isSubtle?: boolean;
      readonly spacing?: 'Small' | 'Medium';
    }
  | { readonly type: 'FactSet'; readonly facts: readonly { readonly title: string; readonly value: string }[] };

/** Adaptive Card text colours used for the headline. */
export type CardColor = 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';

/** A Teams Workflows webhook request carrying one Adaptive Card. */
export interface TeamsMessage {
  readonly type: 'message';
  readonly attachments: readonly [
    {
      readonly contentType: 'application/vnd.microsoft.card.adaptive';
      readonly contentUrl: null;
      readonly content: {
        readonly $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
        readonly type: 'AdaptiveCard';
        readonly version: '1.4';
        readonly msteams: { readonly width: 'Full' };
        readonly body: readonly CardElement[];
      };
    },
  ];
}

/** Largest JSON request we send, in UTF-8 bytes: Teams rejects cards much above ~28 KB, so stay well clear. */
export const TEAMS_MAX_BYTES = 20_000;

interface Detail {
  readonly perGroup: number;
  readonly messageChars: number;
  readonly stepsChars: number;
}

// From generous to bare: the first request under TEAMS_MAX_BYTES wins; the last is small for any input.
const DETAIL_LEVELS: readonly Detail[] = [
  { perGroup: 10, messageChars: 500, stepsChars: 1_000 },
  { perGroup: 10, messageChars: 200, stepsChars: 600 },
  { perGroup: 5, messageChars: 120, stepsChars: 400 },
  { perGroup: 3, messageChars: 60, stepsChars: 200 },
  { perGroup: 0, messageChars: 0, stepsChars: 120 },
];

const COLORS: Readonly<Record<Severity, CardColor>> = {
  failed: 'Attention',
  warning: 'Warning',
  unknown: 'Warning',
  canceled: 'Default',
  running: 'Accent',
  success: 'Good',
};

const fitTeams = (text: string, max: number): string => escapeToFit(text, max, escapeTeamsText);

/** Renders a notification as a Teams Workflows Adaptive Card request of at most TEAMS_MAX_BYTES for any input size. */
export function renderTeams(notification: Notification): TeamsMessage {
  if (notification.kind === 'problem') return wrap(problemBody(notification.problem));
  let message = wrap([]);
  for (const detail of DETAIL_LEVELS) {
    message = wrap(summaryBody(notification.summary, detail));
    if (Buffer.byteLength(JSON.stringify(message), 'utf8') <= TEAMS_MAX_BYTES) return message;
  }
  return message;
}

function wrap(body: readonly CardElement[]): TeamsMessage {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body,
        },
      },
    ],
  };
}

function headline(text: string, color: CardColor): CardElement {
  return { type: 'TextBlock', text, wrap: true, weight: 'Bolder', size: 'Large', color };
}

function summaryBody(summary: Summary, detail: Detail): CardElement[] {
  const outcome = describeOutcome(summary.worst);
  const session = fitTeams(summary.sessionId, 100);
  const facts = [
    { title: 'Outcome', value: `${outcome.emoji} ${outcome.words}` },
    { title: 'Session', value: session },
    { title: 'Steps', value: fitTeams(describeSteps(summary, detail.stepsChars), detail.stepsChars) },
    { title: 'Duration', value: summary.durationMs === null ? 'unknown' : formatDuration(summary.durationMs) },
  ];
  if (summary.startedAt !== null && summary.endedAt !== null) {
    facts.push({ title: 'Started', value: formatUtcTime(summary.startedAt) });
    facts.push({ title: 'Ended', value: formatUtcTime(summary.endedAt) });
  }
  const body: CardElement[] = [
    headline(
      `${outcome.emoji} ${outcome.words}: session ${session}`,
      summary.worst ? COLORS[summary.worst] : 'Warning',
    ),
    { type: 'FactSet', facts },
  ];
  const groups = [
    { severity: 'failed', title: 'Failed steps', noun: 'failed', total: summary.failedCount },
    { severity: 'warning', title: 'Warnings', noun: 'warning', total: summary.warningCount },
  ] as const;
  for (const group of groups) {
    if (group.total === 0) continue;
    body.push({ type: 'TextBlock', text: `**${group.title} (${group.total})**`, wrap: true, spacing: 'Medium' });
    const shown = summary.problems.filter((p) => p.severity === group.severity).slice(0, detail.perGroup);
    for (const step of shown) body.push(problemLine(step, detail.messageChars));
    const more = group.total - shown.length;
    if (more > 0) {
      const text = `…and ${more} more ${group.noun} ${more === 1 ? 'step' : 'steps'}`;
      body.push({ type: 'TextBlock', text, wrap: true, isSubtle: true, spacing: 'Small' });
    }
  }
  return body;
}

function problemLine(step: ProblemStep, messageChars: number): CardElement {
  const message = step.message.trim() === '' ? '*(no message)*' : fitTeams(step.message, messageChars);
  return { type: 'TextBlock', text: `**${fitTeams(step.status, 40)}**: ${message}`, wrap: true, spacing: 'Small' };
}

function problemBody(problem: ProblemReport): CardElement[] {
  const session = fitTeams(problem.sessionId, 100);
  const facts = [
    { title: 'Session', value: session },
    { title: 'Reason', value: fitTeams(problem.failure, 100) },
  ];
  if (problem.statusCode !== null) facts.push({ title: 'HTTP status', value: String(problem.statusCode) });
  return [
    headline(`❌ Could not read session ${session}`, 'Attention'),
    { type: 'TextBlock', text: fitTeams(problem.detail, 2_000), wrap: true },
    { type: 'FactSet', facts },
  ];
}
