import { MAX_DIGEST_POLICIES, type PolicyTrend, trendLine } from '../history/trend.ts';
import type { JobSession } from '../job-session.ts';
import { normalizeStatus } from '../status.ts';
import type { Severity } from '../summary.ts';
import { formatDuration, formatUtcTime, parseTimestamp } from '../time.ts';
import { isFinishedStatus } from '../watch/cursor.ts';
import { type PolicyLastRun, policyOf, sessionDurationMs } from '../watch/missed-runs.ts';
import { escapeSlackText, escapeTeamsText, escapeToFit, sanitizeSlackPlainText } from './escape.ts';
import type { SlackBlock, SlackMessage } from './slack.ts';
import { type CardElement, cardMessage, type TeamsMessage } from './teams.ts';

/** One failed session as the digest lists it. */
export interface DigestFailure {
  readonly sessionId: string;
  readonly policyName: string;
  readonly status: string;
  readonly stoppedAt: string;
  readonly url: string;
}

/** The last 24 hours (or any window) of finished sessions, counted for a daily digest. */
export interface Digest {
  readonly fromMs: number;
  readonly toMs: number;
  readonly total: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** Failed sessions, latest first; capped at MAX_DIGEST_FAILURES (see `failedCount` for all). */
  readonly failures: readonly DigestFailure[];
  readonly failedCount: number;
  readonly totalDurationMs: number;
  readonly longest: { readonly ms: number; readonly sessionId: string; readonly policyName: string } | null;
  /** Per-policy lines over the last 7 days (success rate, streak, duration trend), worst first; absent when not built. */
  readonly policies?: readonly PolicyTrend[];
}

/** A digest lists at most this many failures; the rest are counted. */
export const MAX_DIGEST_FAILURES = 10;

/** A count per severity, all zero. */
export function severityCounts(): Record<Severity, number> {
  return { failed: 0, warning: 0, unknown: 0, canceled: 0, running: 0, success: 0 };
}

/** A message the watcher posts besides session notifications. */
export type WatchMessage =
  | { readonly kind: 'digest'; readonly digest: Digest }
  | { readonly kind: 'missed-run'; readonly run: PolicyLastRun; readonly nowMs: number }
  | { readonly kind: 'resumed'; readonly alert: PolicyLastRun; readonly run: PolicyLastRun }
  | {
      readonly kind: 'appliance-unreachable';
      readonly appliance: string;
      readonly sinceMs: number;
      readonly reason: string;
    }
  | {
      readonly kind: 'appliance-reachable';
      readonly appliance: string;
      readonly sinceMs: number;
      readonly nowMs: number;
    };

/** Counts the sessions that finished in [fromMs, toMs]; `sessionUrl` links a failure (`{sessionId}` is its session ID, as in SESSION_URL_TEMPLATE). */
export function buildDigest(sessions: Iterable<JobSession>, fromMs: number, toMs: number, sessionUrl: string): Digest {
  const bySeverity = severityCounts();
  const failures: DigestFailure[] = [];
  const seen = new Set<string>();
  let total = 0;
  let totalDurationMs = 0;
  let longest: Digest['longest'] = null;
  for (const session of sessions) {
    const id = String(session.id ?? '');
    const stopMs = parseTimestamp(session.executionStopTime);
    // NaN fails both comparisons: a session without a stop time is never counted.
    if (seen.has(id) || !isFinishedStatus(session.status) || !(stopMs >= fromMs && stopMs <= toMs)) continue;
    seen.add(id);
    total++;
    const { severity } = normalizeStatus(session.status);
    bySeverity[severity]++;
    const policyName = policyOf(session)?.name ?? session.localizedType ?? session.type ?? 'session';
    const ms = sessionDurationMs(session);
    if (ms !== null) {
      totalDurationMs += ms;
      if (longest === null || ms > longest.ms) longest = { ms, sessionId: id, policyName };
    }
    if (severity === 'failed') {
      failures.push({
        sessionId: id,
        policyName,
        status: session.status,
        stoppedAt: new Date(stopMs).toISOString(),
        url: sessionUrl.includes('{sessionId}')
          ? sessionUrl.replaceAll('{sessionId}', encodeURIComponent(id))
          : sessionUrl,
      });
    }
  }
  return finishDigest({
    fromMs,
    toMs,
    total,
    bySeverity,
    failures,
    failedCount: failures.length,
    totalDurationMs,
    longest,
  });
}

/** A digest from its counts and every failure (any order): the latest failures first, capped at MAX_DIGEST_FAILURES. */
export function finishDigest(counts: Omit<Digest, 'failures'> & { readonly failures: DigestFailure[] }): Digest {
  const failures = [...counts.failures].sort((a, b) => b.stoppedAt.localeCompare(a.stoppedAt));
  return { ...counts, failures: failures.slice(0, MAX_DIGEST_FAILURES) };
}

const COUNT_LABELS: readonly [Severity, string][] = [
  ['success', '✅ Succeeded'],
  ['warning', '⚠️ Warnings'],
  ['failed', '❌ Failed'],
  ['canceled', '⏹️ Canceled'],
  ['unknown', '❔ Unknown'],
];

/** Plain facts shared by both renderers, text not yet escaped. */
function digestFacts(digest: Digest): { title: string; counts: string; durations: string } {
  const window = `${formatUtcTime(new Date(digest.fromMs).toISOString())} – ${formatUtcTime(new Date(digest.toMs).toISOString())}`;
  const counts = COUNT_LABELS.filter(([severity]) => digest.bySeverity[severity] > 0 || severity !== 'unknown')
    .map(([severity, label]) => `${label}: ${digest.bySeverity[severity]}`)
    .join(' · ');
  const longest =
    digest.longest === null
      ? 'longest: unknown'
      : `longest: ${formatDuration(digest.longest.ms)} (${digest.longest.policyName}, session ${digest.longest.sessionId})`;
  return {
    title: `Backup digest: ${digest.total} session${digest.total === 1 ? '' : 's'} in the last 24 h`,
    counts: `${counts}  (${window})`,
    durations: `Total run time ${formatDuration(digest.totalDurationMs)}; ${longest}`,
  };
}

function missedFacts(message: Exclude<WatchMessage, { kind: 'digest' }>): { title: string; body: string } {
  if (message.kind === 'appliance-unreachable' || message.kind === 'appliance-reachable')
    return applianceFacts(message);
  if (message.kind === 'missed-run') {
    const { run, nowMs } = message;
    const hours = Math.floor((nowMs - run.lastStopMs) / 3_600_000);
    return {
      title: `⏰ ${run.policyName} has not run for ${hours} h`,
      body: `${run.policyName} has not run for ${hours} h; last run ${formatUtcTime(new Date(run.lastStopMs).toISOString())} (${run.lastStatus}, session ${run.lastSessionId}).`,
    };
  }
  const { alert, run } = message;
  const gap = formatDuration(run.lastStopMs - alert.lastStopMs);
  return {
    title: `✅ ${run.policyName} ran again`,
    body: `${run.policyName} ran again: session ${run.lastSessionId} finished ${formatUtcTime(new Date(run.lastStopMs).toISOString())} (${run.lastStatus}), ${gap} after the previous run.`,
  };
}

function applianceFacts(message: Extract<WatchMessage, { kind: 'appliance-unreachable' | 'appliance-reachable' }>): {
  title: string;
  body: string;
} {
  const since = formatUtcTime(new Date(message.sinceMs).toISOString());
  if (message.kind === 'appliance-unreachable') {
    return {
      title: `🔌 Appliance ${message.appliance} is unreachable`,
      body: `The watcher cannot read appliance ${message.appliance} since ${since}: ${message.reason}. Its sessions are not being reported until it answers again.`,
    };
  }
  return {
    title: `✅ Appliance ${message.appliance} is reachable again`,
    body: `Appliance ${message.appliance} answers again after ${formatDuration(message.nowMs - message.sinceMs)} (unreachable since ${since}); sessions that ended meanwhile are reported now.`,
  };
}

/** A Slack link whose label is escaped and whose URL cannot break out of `<url|label>`. */
function slackLink(url: string, label: string): string {
  const safeUrl = url.replaceAll('|', '%7C').replaceAll('>', '%3E').replaceAll('<', '%3C');
  return safeUrl === '' ? escapeSlackText(label) : `<${safeUrl}|${escapeSlackText(label)}>`;
}

/** The Slack message for a digest, a missed-run alert or its resolve. */
export function renderWatchSlack(message: WatchMessage): SlackMessage {
  if (message.kind !== 'digest') {
    const { title, body } = missedFacts(message);
    return {
      text: sanitizeSlackPlainText(body),
      blocks: [
        {
          type: 'header',
          text: { type: 'plain_text', text: sanitizeSlackPlainText(title).slice(0, 150), emoji: true },
        },
        { type: 'section', text: { type: 'mrkdwn', text: escapeToFit(body, 3_000, escapeSlackText) } },
      ],
    };
  }
  const { digest } = message;
  const facts = digestFacts(digest);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: facts.title, emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: escapeSlackText(facts.counts) } },
    { type: 'section', text: { type: 'mrkdwn', text: escapeToFit(facts.durations, 3_000, escapeSlackText) } },
  ];
  if (digest.failedCount > 0) {
    const lines = digest.failures.map(
      (f) =>
        `• ${slackLink(f.url, `${truncateLabel(f.policyName)} — session ${truncateLabel(f.sessionId)}`)}: ${escapeSlackText(f.status)}, ${formatUtcTime(f.stoppedAt)}`,
    );
    const more = digest.failedCount - digest.failures.length;
    if (more > 0) lines.push(`…and ${more} more`);
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Failures (${digest.failedCount})*\n${lines.join('\n')}` },
    });
  }
  const policies = policyLines(digest, (name) => `*${escapeSlackText(truncateLabel(name))}*`);
  if (policies)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Policies, last 7 days*\n${policies}` } });
  return { text: sanitizeSlackPlainText(`${facts.title}: ${facts.counts}`), blocks };
}

/** The per-policy lines, the first MAX_DIGEST_POLICIES (each under ~200 characters) and a count of the rest. */
function policyLines(digest: Digest, name: (policyName: string) => string): string | undefined {
  const policies = digest.policies ?? [];
  if (policies.length === 0) return undefined;
  const lines = policies.slice(0, MAX_DIGEST_POLICIES).map((t) => `• ${name(t.policyName)}: ${trendLine(t)}`);
  const more = policies.length - MAX_DIGEST_POLICIES;
  if (more > 0) lines.push(`…and ${more} more ${more === 1 ? 'policy' : 'policies'}`);
  return lines.join('\n');
}

/** The Teams (Adaptive Card) message for a digest, a missed-run alert or its resolve. */
export function renderWatchTeams(message: WatchMessage): TeamsMessage {
  if (message.kind !== 'digest') {
    const { title, body } = missedFacts(message);
    return cardMessage([
      {
        type: 'TextBlock',
        text: escapeToFit(title, 200, escapeTeamsText),
        wrap: true,
        weight: 'Bolder',
        size: 'Large',
        color: message.kind === 'missed-run' || message.kind === 'appliance-unreachable' ? 'Attention' : 'Good',
      },
      { type: 'TextBlock', text: escapeToFit(body, 2_000, escapeTeamsText), wrap: true },
    ]);
  }
  const { digest } = message;
  const facts = digestFacts(digest);
  const body: CardElement[] = [
    {
      type: 'TextBlock',
      text: escapeTeamsText(facts.title),
      wrap: true,
      weight: 'Bolder',
      size: 'Large',
      color: digest.failedCount > 0 ? 'Attention' : 'Good',
    },
    { type: 'TextBlock', text: escapeTeamsText(facts.counts), wrap: true },
    { type: 'TextBlock', text: escapeToFit(facts.durations, 2_000, escapeTeamsText), wrap: true },
  ];
  if (digest.failedCount > 0) {
    body.push({ type: 'TextBlock', text: `Failures (${digest.failedCount})`, wrap: true, weight: 'Bolder' });
    const lines = digest.failures.map((f) => {
      const label = escapeTeamsText(`${truncateLabel(f.policyName)} — session ${truncateLabel(f.sessionId)}`);
      const link = f.url === '' ? label : `[${label}](${f.url.replaceAll(')', '%29').replaceAll(' ', '%20')})`;
      return `- ${link}: ${escapeTeamsText(f.status)}, ${formatUtcTime(f.stoppedAt)}`;
    });
    const more = digest.failedCount - digest.failures.length;
    if (more > 0) lines.push(`- …and ${more} more`);
    body.push({ type: 'TextBlock', text: lines.join('\n'), wrap: true });
  }
  const policies = policyLines(digest, (name) => `**${escapeTeamsText(truncateLabel(name))}**`);
  if (policies) {
    body.push({ type: 'TextBlock', text: 'Policies, last 7 days', wrap: true, weight: 'Bolder' });
    body.push({ type: 'TextBlock', text: policies.replaceAll('• ', '- '), wrap: true });
  }
  return cardMessage(body);
}

function truncateLabel(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
