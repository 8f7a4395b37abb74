import type { JobSession } from '../job-session.ts';
import { normalizeStatus } from '../status.ts';
import { parseTimestamp } from '../time.ts';
import { isFinishedStatus } from '../watch/cursor.ts';
import { policyOf, sessionDurationMs } from '../watch/missed-runs.ts';
import { sparkline } from './baseline.ts';

/** One policy's week as the digest shows it. */
export interface PolicyTrend {
  readonly policyName: string;
  readonly runs: number;
  readonly successes: number;
  /** The latest runs of one class in a row (e.g. 2 failures), newest first. */
  readonly streak: { readonly cls: 'success' | 'warning' | 'failure' | 'other'; readonly count: number };
  /** Durations of the latest runs, oldest first, as ▁▂▃▅█. */
  readonly sparkline: string;
}

/** How many policies a digest lists (problems first) and how many runs a sparkline draws. */
export const MAX_DIGEST_POLICIES = 15;
export const SPARKLINE_RUNS = 14;

const classOf = (status: string) => {
  const severity = normalizeStatus(status).severity;
  if (severity === 'success') return 'success';
  if (severity === 'warning') return 'warning';
  return severity === 'failed' ? 'failure' : 'other';
};

/** Each policy's finished runs in [fromMs, toMs]: success rate, current streak and duration trend; worst first. */
export function policyTrends(sessions: Iterable<JobSession>, fromMs: number, toMs: number): PolicyTrend[] {
  const byPolicy = new Map<string, { name: string; runs: Map<string, { stopMs: number; session: JobSession }> }>();
  for (const session of sessions) {
    const policy = policyOf(session);
    const stopMs = parseTimestamp(session.executionStopTime);
    if (!policy || !isFinishedStatus(session.status) || !(stopMs >= fromMs && stopMs <= toMs)) continue;
    const entry = byPolicy.get(policy.key) ?? { name: policy.name, runs: new Map() };
    entry.runs.set(String(session.id ?? ''), { stopMs, session });
    byPolicy.set(policy.key, entry);
  }
  const trends = [...byPolicy.values()].map(({ name, runs }): PolicyTrend => {
    const ordered = [...runs.values()].sort((a, b) => a.stopMs - b.stopMs).map((r) => r.session);
    const classes = ordered.map((s) => classOf(s.status));
    const latest = classes.at(-1) ?? 'other';
    let count = 0;
    for (let i = classes.length - 1; i >= 0 && classes[i] === latest; i--) count++;
    return {
      policyName: name,
      runs: ordered.length,
      successes: classes.filter((c) => c === 'success').length,
      streak: { cls: latest, count },
      sparkline: sparkline(ordered.slice(-SPARKLINE_RUNS).map(sessionDurationMs)),
    };
  });
  return sortTrends(trends);
}

/** Worst first: an open failure streak, then a warning streak, then the lowest success rate; by name at a tie. */
export function sortTrends(trends: PolicyTrend[]): PolicyTrend[] {
  const badness = (t: PolicyTrend) => (t.streak.cls === 'failure' ? 2 : t.streak.cls === 'warning' ? 1 : 0);
  return trends.sort(
    (a, b) =>
      badness(b) - badness(a) ||
      a.successes / a.runs - b.successes / b.runs ||
      a.policyName.localeCompare(b.policyName),
  );
}

const STREAK_WORDS = {
  success: ['✅', 'success', 'successes'],
  warning: ['⚠️', 'warning', 'warnings'],
  failure: ['❌', 'failure', 'failures'],
  other: ['⏹️', 'canceled run', 'canceled runs'],
} as const;

/** "6/7 succeeded (86%) · ❌ 2 failures in a row · ▁▂▃▅█", plain text (the policy name is added, escaped, by the renderer). */
export function trendLine(trend: PolicyTrend): string {
  const rate = Math.round((trend.successes / trend.runs) * 100);
  const [emoji, one, many] = STREAK_WORDS[trend.streak.cls];
  const streak = `${emoji} ${trend.streak.count} ${trend.streak.count === 1 ? one : many}${trend.streak.count > 1 ? ' in a row' : ''}`;
  return `${trend.successes}/${trend.runs} succeeded (${rate}%) · ${streak}${trend.sparkline ? ` · ${trend.sparkline}` : ''}`;
}
