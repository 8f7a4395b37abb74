import { describe, expect, it } from 'vitest';
import type { JobSession } from '../../../src/core/job-session.ts';
import {
  buildDigest,
  MAX_DIGEST_FAILURES,
  renderWatchSlack,
  renderWatchTeams,
} from '../../../src/core/render/digest.ts';

const FROM = Date.parse('2024-03-11T06:00:00Z');
const TO = Date.parse('2024-03-12T06:00:00Z');
const LINK = 'https://backup.example.com/#/sessions/{sessionId}';

function stoppedAt(id: string, stopMs: number | null, status = 'Failed'): JobSession {
  return {
    id,
    status,
    executionStartTime: stopMs === null ? '2024-03-12T05:00:00Z' : new Date(stopMs - 60_000).toISOString(),
    executionStopTime: stopMs === null ? null : new Date(stopMs).toISOString(),
    backupJobInfo: { policyName: `Policy-${id}` },
  };
}

describe('buildDigest window edges', () => {
  it('counts a session that stopped exactly at the start or the end of the window', () => {
    const digest = buildDigest([stoppedAt('a', FROM), stoppedAt('b', TO)], FROM, TO, LINK);
    expect(digest.total).toBe(2);
    expect(digest.failures.map((f) => f.sessionId)).toEqual(['b', 'a']);
  });

  it('leaves out a session that stopped one millisecond before or after the window', () => {
    const digest = buildDigest([stoppedAt('early', FROM - 1), stoppedAt('late', TO + 1)], FROM, TO, LINK);
    expect(digest).toMatchObject({ total: 0, failedCount: 0, failures: [], totalDurationMs: 0, longest: null });
  });

  it('counts a session listed twice once', () => {
    const twice = stoppedAt('dup', TO - 1_000);
    const digest = buildDigest([twice, structuredClone(twice)], FROM, TO, LINK);
    expect(digest.total).toBe(1);
    expect(digest.failedCount).toBe(1);
    expect(digest.totalDurationMs).toBe(60_000);
  });

  it('leaves out sessions still running, pending or canceling, and one without a stop time', () => {
    const sessions = [
      stoppedAt('r', TO - 1_000, 'Running'),
      stoppedAt('p', TO - 1_000, 'Pending'),
      stoppedAt('c', TO - 1_000, ' canceling '),
      stoppedAt('n', null, 'Failed'),
    ];
    expect(buildDigest(sessions, FROM, TO, LINK).total).toBe(0);
  });

  it('links a failure through a template without {sessionId} as it is, and by name alone without a link', () => {
    const session = stoppedAt('42', TO - 1_000);
    expect(buildDigest([session], FROM, TO, 'https://backup.example.com/').failures[0]?.url).toBe(
      'https://backup.example.com/',
    );
    const bare = buildDigest([session], FROM, TO, '');
    expect(renderWatchSlack({ kind: 'digest', digest: bare }).blocks.at(-1)).toMatchObject({
      text: { text: '*Failures (1)*\n• Policy-42 — session 42: Failed, 2024-03-12 05:59:59 UTC' },
    });
  });
});

describe('buildDigest failure cap', () => {
  /** `count` failures, one a minute, the latest last. */
  const failures = (count: number) =>
    Array.from({ length: count }, (_, i) => stoppedAt(String(100 + i), TO - (count - i) * 60_000));

  it(`lists exactly ${MAX_DIGEST_FAILURES} failures, latest first, and no "more" line`, () => {
    const digest = buildDigest(failures(MAX_DIGEST_FAILURES), FROM, TO, LINK);
    expect(digest.failures).toHaveLength(MAX_DIGEST_FAILURES);
    expect(digest.failures[0]?.sessionId).toBe('109');
    const slack = JSON.stringify(renderWatchSlack({ kind: 'digest', digest }));
    expect(slack).not.toContain('more');
  });

  it(`lists the latest ${MAX_DIGEST_FAILURES} of 12 failures and counts the other 2 in Slack and Teams`, () => {
    const digest = buildDigest(failures(12), FROM, TO, LINK);
    expect(digest.failedCount).toBe(12);
    expect(digest.failures.map((f) => f.sessionId)).toEqual(
      Array.from({ length: MAX_DIGEST_FAILURES }, (_, i) => String(111 - i)),
    );
    const slackText = renderWatchSlack({ kind: 'digest', digest }).blocks.at(-1);
    expect(slackText).toMatchObject({
      text: { text: expect.stringMatching(/^\*Failures \(12\)\*\n[\s\S]*\n…and 2 more$/) },
    });
    const teamsBody = renderWatchTeams({ kind: 'digest', digest }).attachments[0].content.body;
    expect(teamsBody.at(-2)).toMatchObject({ text: 'Failures (12)', weight: 'Bolder' });
    expect(teamsBody.at(-1)).toMatchObject({ text: expect.stringMatching(/\n- …and 2 more$/) });
    expect(teamsBody[0]).toMatchObject({ color: 'Attention' });
  });
});

describe('digest counts line', () => {
  it('shows the unknown count only when some session had an unknown status, and says "1 session" in the singular', () => {
    const one = buildDigest([stoppedAt('1', TO - 1, 'Success')], FROM, TO, LINK);
    const slack = renderWatchSlack({ kind: 'digest', digest: one });
    expect(slack.blocks[0]).toMatchObject({ text: { text: 'Backup digest: 1 session in the last 24 h' } });
    expect(slack.text).not.toContain('Unknown');
    expect(renderWatchTeams({ kind: 'digest', digest: one }).attachments[0].content.body[0]).toMatchObject({
      color: 'Good',
    });
    const odd = buildDigest([stoppedAt('2', TO - 1, 'Degraded')], FROM, TO, LINK);
    expect(renderWatchSlack({ kind: 'digest', digest: odd }).text).toContain('❔ Unknown: 1');
  });
});
