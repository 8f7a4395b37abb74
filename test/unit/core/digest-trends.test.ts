import { describe, expect, it } from 'vitest';
import { MAX_DIGEST_POLICIES, policyTrends, trendLine } from '../../../src/core/history/trend.ts';
import type { JobSession } from '../../../src/core/job-session.ts';
import { buildDigest, renderWatchSlack, renderWatchTeams } from '../../../src/core/render/digest.ts';
import { SLACK_LIMITS } from '../../../src/core/render/slack.ts';
import { TEAMS_MAX_BYTES } from '../../../src/core/render/teams.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30, 7, 0, 0);

function run(policyName: string, n: number, status: string, minutes: number): JobSession {
  const stop = NOW - (7 - n) * DAY + 60_000;
  return {
    id: `${policyName}-${n}`,
    status,
    executionStartTime: new Date(stop - minutes * 60_000).toISOString(),
    executionStopTime: new Date(stop).toISOString(),
    backupJobInfo: { policyName },
  };
}

const WEEK = [
  ...[30, 31, 29, 30, 32].map((m, n) => run('ERP-Database', n, 'Success', m)),
  run('ERP-Database', 5, 'Failed', 6),
  run('ERP-Database', 6, 'Failed', 5),
  ...[10, 20, 40, 80, 160, 320, 640].map((m, n) => run('Growing-Share', n, 'Success', m)),
];

describe('policyTrends', () => {
  it('gives each policy its success rate, current streak and duration trend, failing policies first', () => {
    const trends = policyTrends(WEEK, NOW - 7 * DAY, NOW);
    expect(trends.map((t) => [t.policyName, trendLine(t)])).toEqual([
      ['ERP-Database', '5/7 succeeded (71%) · ❌ 2 failures in a row · ▇█▇▇█▁▁'],
      ['Growing-Share', '7/7 succeeded (100%) · ✅ 7 successes in a row · ▁▁▁▂▃▄█'],
    ]);
  });
});

describe('the digest with per-policy lines', () => {
  const manyPolicies = Array.from({ length: 60 }, (_, p) =>
    Array.from({ length: 7 }, (_, n) =>
      run(`${'Very-Long-Policy-Name-'.repeat(6)}${p}`, n, n % 3 ? 'Success' : 'Failed', 30 + n),
    ),
  ).flat();
  const digest = {
    ...buildDigest(manyPolicies, NOW - DAY, NOW, ''),
    policies: policyTrends(manyPolicies, NOW - 7 * DAY, NOW),
  };

  it('stays within Slack limits and counts the policies it leaves out', () => {
    const slack = renderWatchSlack({ kind: 'digest', digest });
    const section = slack.blocks.at(-1);
    const text = section && 'text' in section ? section.text.text : '';
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(text).toContain(`…and ${60 - MAX_DIGEST_POLICIES} more policies`);
  });

  it('stays within the Teams request size', () => {
    const teams = renderWatchTeams({ kind: 'digest', digest });
    expect(Buffer.byteLength(JSON.stringify(teams))).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(JSON.stringify(teams)).toContain('Policies, last 7 days');
  });
});
