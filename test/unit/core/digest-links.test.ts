import { describe, expect, it } from 'vitest';
import type { JobSession } from '../../../src/core/job-session.ts';
import { buildDigest, renderWatchSlack, renderWatchTeams, type WatchMessage } from '../../../src/core/render/digest.ts';

const FROM = Date.parse('2024-03-11T06:00:00Z');
const TO = Date.parse('2024-03-12T06:00:00Z');

function failed(id: string, policyName: string, overrides: Partial<JobSession> = {}): JobSession {
  return {
    id,
    status: 'Failed',
    executionStartTime: '2024-03-12T04:00:00Z',
    executionStopTime: '2024-03-12T05:00:00Z',
    backupJobInfo: { policyName },
    ...overrides,
  };
}

const slackText = (message: WatchMessage, block: number): string => {
  const found = renderWatchSlack(message).blocks.at(block);
  if (found === undefined || !('text' in found)) throw new Error(`block ${block} has no text`);
  return found.text.text;
};
const teamsTexts = (message: WatchMessage): string[] =>
  renderWatchTeams(message).attachments[0].content.body.map((element) =>
    'text' in element ? String(element.text) : '',
  );

describe('digest failure links', () => {
  it('keeps a Slack link whole when the console URL holds | < or >', () => {
    const digest = buildDigest([failed('42', 'Nightly')], FROM, TO, 'https://b.example/?q=a|b<c>&s={sessionId}');
    expect(slackText({ kind: 'digest', digest }, -1)).toBe(
      '*Failures (1)*\n• <https://b.example/?q=a%7Cb%3Cc%3E&s=42|Nightly — session 42>: Failed, 2024-03-12 05:00:00 UTC',
    );
  });

  it('keeps a Teams link whole when the console URL holds ) or a space', () => {
    const digest = buildDigest([failed('42', 'Nightly')], FROM, TO, 'https://b.example/a (b)/{sessionId}');
    expect(teamsTexts({ kind: 'digest', digest }).at(-1)).toBe(
      '- [Nightly — session 42](https://b.example/a%20(b%29/42): Failed, 2024-03-12 05:00:00 UTC',
    );
  });

  it('shows an 80-character policy name whole and cuts an 81-character one to 79 and an ellipsis', () => {
    const whole = 'P'.repeat(80);
    const long = 'Q'.repeat(81);
    const digest = buildDigest([failed('1', whole), failed('2', long)], FROM, TO, '');
    const text = slackText({ kind: 'digest', digest }, -1);
    expect(text).toContain(`• ${whole} — session 1:`);
    expect(text).toContain(`• ${'Q'.repeat(79)}… — session 2:`);
    expect(teamsTexts({ kind: 'digest', digest }).at(-1)).toContain(`- ${'Q'.repeat(79)}… — session 2:`);
  });
});

describe('digest names and durations', () => {
  it('names a session without a policy by its type, else as "session"', () => {
    const sessions: JobSession[] = [
      { id: 'a', status: 'Failed', executionStopTime: '2024-03-12T05:00:00Z', localizedType: 'Policy Backup' },
      { id: 'b', status: 'Failed', executionStopTime: '2024-03-12T05:00:01Z', type: 'PolicySnapshot' },
      { id: 'c', status: 'Failed', executionStopTime: '2024-03-12T05:00:02Z' },
    ];
    const digest = buildDigest(sessions, FROM, TO, '');
    expect(digest.failures.map((f) => f.policyName)).toEqual(['session', 'PolicySnapshot', 'Policy Backup']);
  });

  it('says the longest run is unknown when no session has a duration', () => {
    const digest = buildDigest([failed('1', 'Nightly', { executionStartTime: null })], FROM, TO, '');
    expect(digest.longest).toBeNull();
    expect(slackText({ kind: 'digest', digest }, 2)).toBe('Total run time 0s; longest: unknown');
  });

  it('names the longest run with its duration, policy and session', () => {
    const digest = buildDigest(
      [failed('1', 'Short'), failed('2', 'Long', { executionStartTime: '2024-03-12T01:00:00Z' })],
      FROM,
      TO,
      '',
    );
    expect(teamsTexts({ kind: 'digest', digest })[2]).toBe('Total run time 5h; longest: 4h (Long, session 2)');
  });
});

describe('missed-run alert headers', () => {
  const run = (policyName: string) => ({
    policyKey: `appliance#${policyName}`,
    policyName,
    lastStopMs: TO - 30 * 3_600_000,
    lastStatus: 'Success',
    lastSessionId: '7',
  });

  it('cuts a Slack header at 150 characters, and shows a short one whole', () => {
    const long = slackText({ kind: 'missed-run', run: run('N'.repeat(200)), nowMs: TO }, 0);
    expect(long).toHaveLength(150);
    expect(long.startsWith(`⏰ ${'N'.repeat(10)}`)).toBe(true);
    expect(slackText({ kind: 'missed-run', run: run('Nightly'), nowMs: TO }, 0)).toBe(
      '⏰ Nightly has not run for 30 h',
    );
  });

  it('colours Teams alerts that need action as Attention and their resolves as Good', () => {
    const colour = (message: WatchMessage) => renderWatchTeams(message).attachments[0].content.body[0];
    expect(colour({ kind: 'missed-run', run: run('N'), nowMs: TO })).toMatchObject({ color: 'Attention' });
    expect(colour({ kind: 'resumed', alert: run('N'), run: { ...run('N'), lastStopMs: TO } })).toMatchObject({
      color: 'Good',
      text: '✅ N ran again',
    });
    expect(colour({ kind: 'appliance-unreachable', appliance: 'eu', sinceMs: FROM, reason: 'timeout' })).toMatchObject({
      color: 'Attention',
    });
    expect(colour({ kind: 'appliance-reachable', appliance: 'eu', sinceMs: FROM, nowMs: TO })).toMatchObject({
      color: 'Good',
      text: '✅ Appliance eu is reachable again',
    });
  });
});
