import { applianceLabel, headlineOf, sessionTimes, severityOf } from '../context.ts';
import { memoryLines } from '../history/lines.ts';
import { describeOutcome } from '../status.ts';
import { describeSteps } from '../summarize.ts';
import type { Notification, ProblemReport, ProblemStep, SessionContext, Severity, Summary } from '../summary.ts';
import { formatDuration, formatUtcTime } from '../time.ts';
import { escapeTeamsText, escapeToFit } from './escape.ts';
import { sessionFacts } from './facts.ts';

/** The Adaptive Card elements this renderer emits (a subset of the 1.4 schema). */
export type CardElement =
  | {
      readonly type: 'TextBlock';
      readonly text: string;
      readonly wrap: true;
      readonly weight?: 'Bolder';
      readonly size?: 'Large' | 'Medium' | 'Small';
      readonly color?: CardColor;
      readonly isSubtle?: boolean;
      readonly spacing?: 'Small' | 'Medium';
    }
  | { readonly type: 'FactSet'; readonly facts: readonly { readonly title: string; readonly value: string }[] };

/** Adaptive Card text colours used for the headline. */
export type CardColor = 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';

/** The only action Teams Workflows cards may carry: a link. */
export interface OpenUrlAction {
  readonly type: 'Action.OpenUrl';
  readonly title: string;
  readonly url: string;
}

/** A person to @mention on the card: their UPN or Entra object ID, and the display name shown. */
export interface TeamsMention {
  readonly id: string;
  readonly name: string;
}

/** The Teams mention entity that makes `<at>Name</at>` in a TextBlock a real, notifying mention. */
export interface MentionEntity {
  readonly type: 'mention';
  readonly text: string;
  readonly mentioned: { readonly id: string; readonly name: string };
}

/** What the Teams destination decided for this message: whom to @mention (trusted, validated config), if anyone. */
export interface TeamsRenderOptions {
  readonly mention?: TeamsMention | undefined;
}

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
        readonly msteams: { readonly width: 'Full'; readonly entities?: readonly MentionEntity[] };
        readonly body: readonly CardElement[];
        readonly actions?: readonly OpenUrlAction[];
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
export function renderTeams(notification: Notification, options: TeamsRenderOptions = {}): TeamsMessage {
  const actions = linkAction(notification.session);
  if (notification.kind === 'problem') return cardMessage(problemBody(notification, notification.problem), actions);
  const mention = options.mention;
  let message = cardMessage([]);
  for (const detail of DETAIL_LEVELS) {
    message = cardMessage(summaryBody(notification, notification.summary, detail, mention), actions, mention);
    if (Buffer.byteLength(JSON.stringify(message), 'utf8') <= TEAMS_MAX_BYTES) return message;
  }
  return message;
}

/** The text of a mention as it appears in the TextBlock and, identically, in the entity. */
const atText = (mention: TeamsMention): string => `<at>${mention.name}</at>`;

/** The Workflows-webhook message around an Adaptive Card 1.4 with `body`, optional OpenUrl actions and a mention entity. */
export function cardMessage(
  body: readonly CardElement[],
  actions: readonly OpenUrlAction[] = [],
  mention?: TeamsMention | undefined,
): TeamsMessage {
  const entities: MentionEntity[] = mention
    ? [{ type: 'mention', text: atText(mention), mentioned: { id: mention.id, name: mention.name } }]
    : [];
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
          msteams: entities.length > 0 ? { width: 'Full', entities } : { width: 'Full' },
          body,
          ...(actions.length > 0 ? { actions } : {}),
        },
      },
    ],
  };
}

function linkAction(session: SessionContext | undefined): OpenUrlAction[] {
  return session?.url ? [{ type: 'Action.OpenUrl', title: 'Open session in console', url: session.url }] : [];
}

/**
 * A time shown in each reader's own time zone by Teams' DATE/TIME functions: "{{DATE(2024-03-12T01:00:04Z, SHORT)}}
 * {{TIME(2024-03-12T01:00:04Z)}}". The caller adds the UTC text for clients that do not evaluate them.
 */
export function teamsLocalTime(iso: string): string {
  return `{{DATE(${iso}, SHORT)}} {{TIME(${iso})}}`;
}

/** What the policy's memory says (streak, recovery, unusual duration), times in each reader's zone; none without history. */
function memoryBlocks(notification: Notification): CardElement[] {
  return memoryLines(notification.memory, teamsLocalTime).map((text) => ({
    type: 'TextBlock',
    text,
    wrap: true,
    weight: 'Bolder',
    spacing: 'Small',
  }));
}

function timeBlocks(notification: Notification): CardElement[] {
  const { startedAt, endedAt } = sessionTimes(notification);
  if (startedAt === null && endedAt === null) return [];
  const local = [
    startedAt === null ? undefined : `Started ${teamsLocalTime(startedAt)}`,
    endedAt === null ? undefined : `ended ${teamsLocalTime(endedAt)}`,
  ].filter((p) => p !== undefined);
  const utc = [startedAt, endedAt].filter((t) => t !== null).map(formatUtcTime);
  return [
    { type: 'TextBlock', text: `🕐 ${local.join(' · ')}`, wrap: true, spacing: 'Small' },
    { type: 'TextBlock', text: utc.join(' → '), wrap: true, isSubtle: true, size: 'Small', spacing: 'Small' },
  ];
}

function jobFact(session: SessionContext | undefined): { title: string; value: string } {
  if (!session?.policyName) {
    return { title: 'Job', value: `unknown${session?.fetched ? '' : ' (session details unavailable)'}` };
  }
  const type = session.type ? ` (${fitTeams(session.type, 100)})` : '';
  return { title: 'Job', value: `${fitTeams(session.policyName, 300)}${type}` };
}

function headline(text: string, color: CardColor): CardElement {
  return { type: 'TextBlock', text, wrap: true, weight: 'Bolder', size: 'Large', color };
}

function summaryBody(
  notification: Notification,
  summary: Summary,
  detail: Detail,
  mention: TeamsMention | undefined,
): CardElement[] {
  const severity = severityOf(notification);
  const outcome = describeOutcome(severity);
  const { durationMs } = sessionTimes(notification);
  const facts = [
    jobFact(notification.session),
    { title: 'Outcome', value: `${outcome.emoji} ${outcome.words}` },
    { title: 'Session', value: fitTeams(summary.sessionId, 100) },
    { title: 'Steps', value: fitTeams(describeSteps(summary, detail.stepsChars), detail.stepsChars) },
    { title: 'Duration', value: durationMs === null ? 'unknown' : formatDuration(durationMs) },
  ];
  if (notification.session?.status) {
    facts.push({ title: 'Appliance status', value: fitTeams(notification.session.status, 100) });
  }
  const appliance = applianceLabel(notification);
  if (appliance) facts.push({ title: 'Appliance', value: fitTeams(appliance, 100) });
  const headlineText = fitTeams(headlineOf(notification), 400);
  const body: CardElement[] = [headline(headlineText, severity ? COLORS[severity] : 'Warning')];
  body.push(...memoryBlocks(notification));
  // The mention is trusted config (validated by the config), inserted outside every escaped text.
  if (mention) body.push({ type: 'TextBlock', text: `🔔 ${atText(mention)} please take a look.`, wrap: true });
  body.push({ type: 'FactSet', facts }, ...timeBlocks(notification));
  for (const fact of sessionFacts(notification, 1_000)) {
    body.push({
      type: 'TextBlock',
      text: `**${fact.label}**: ${fitTeams(fact.text, 1_000)}`,
      wrap: true,
      spacing: 'Small',
    });
  }
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

function problemBody(notification: Notification, problem: ProblemReport): CardElement[] {
  const session = fitTeams(problem.sessionId, 100);
  const facts = [
    { title: 'Session', value: session },
    { title: 'Reason', value: fitTeams(problem.failure, 100) },
  ];
  if (problem.statusCode !== null) facts.push({ title: 'HTTP status', value: String(problem.statusCode) });
  if (notification.session?.policyName) facts.unshift(jobFact(notification.session));
  const appliance = applianceLabel(notification);
  if (appliance) facts.push({ title: 'Appliance', value: fitTeams(appliance, 100) });
  return [
    headline(fitTeams(headlineOf(notification), 400), 'Attention'),
    ...memoryBlocks(notification),
    { type: 'TextBlock', text: fitTeams(problem.detail, 2_000), wrap: true },
    { type: 'FactSet', facts },
  ];
}
