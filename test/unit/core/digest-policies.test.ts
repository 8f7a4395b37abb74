import { describe, expect, it } from 'vitest';
import { MAX_DIGEST_POLICIES, type PolicyTrend } from '../../../src/core/history/trend.ts';
import { buildDigest, renderWatchSlack, renderWatchTeams } from '../../../src/core/render/digest.ts';

const FROM = Date.parse('2026-11-29T06:00:00Z');
const TO = Date.parse('2026-11-30T06:00:00Z');

const trend = (policyName: string): PolicyTrend => ({
  policyName,
  runs: 7,
  successes: 6,
  streak: { cls: 'failure', count: 1 },
  sparkline: '▁█',
});
const withPolicies = (count: number) => ({
  ...buildDigest([], FROM, TO, ''),
  policies: Array.from({ length: count }, (_, i) => trend(`P*${i}`)),
});
const slackLast = (count: number): string => {
  const block = renderWatchSlack({ kind: 'digest', digest: withPolicies(count) }).blocks.at(-1);
  return block !== undefined && 'text' in block ? block.text.text : '';
};
const teamsTexts = (count: number): string[] =>
  renderWatchTeams({ kind: 'digest', digest: withPolicies(count) }).attachments[0].content.body.map((e) =>
    'text' in e ? String(e.text) : '',
  );

describe('digest policy lines', () => {
  it('lists each policy in bold, its name escaped, under a heading (Slack)', () => {
    expect(slackLast(1)).toBe('*Policies, last 7 days*\n• *P\u2060*\u20600*: 6/7 succeeded (86%) · ❌ 1 failure · ▁█');
    expect(renderWatchSlack({ kind: 'digest', digest: withPolicies(1) }).blocks.at(-1)).toMatchObject({
      type: 'section',
      text: { type: 'mrkdwn' },
    });
  });

  it('lists each policy in bold, its name escaped, under its own heading (Teams)', () => {
    const texts = teamsTexts(1);
    expect(texts.at(-2)).toBe('Policies, last 7 days');
    expect(texts.at(-1)).toBe('- **P\\*0**: 6/7 succeeded (86%) · ❌ 1 failure · ▁█');
    const body = renderWatchTeams({ kind: 'digest', digest: withPolicies(1) }).attachments[0].content.body;
    expect(body.at(-2)).toEqual({ type: 'TextBlock', text: 'Policies, last 7 days', wrap: true, weight: 'Bolder' });
    expect(body.at(-1)).toMatchObject({ type: 'TextBlock', wrap: true });
  });

  it(`lists ${MAX_DIGEST_POLICIES} policies and counts the rest, "policy" for one and "policies" for more`, () => {
    expect(slackLast(MAX_DIGEST_POLICIES).split('\n')).toHaveLength(MAX_DIGEST_POLICIES + 1);
    expect(
      slackLast(MAX_DIGEST_POLICIES + 1)
        .split('\n')
        .at(-1),
    ).toBe('…and 1 more policy');
    expect(
      teamsTexts(MAX_DIGEST_POLICIES + 2)
        .at(-1)
        ?.split('\n')
        .at(-1),
    ).toBe('…and 2 more policies');
  });

  it('adds no policy section when there are no policy lines', () => {
    expect(slackLast(0)).not.toContain('Policies');
    expect(teamsTexts(0)).not.toContain('Policies, last 7 days');
  });
});

describe('appliance reachability messages', () => {
  const since = Date.parse('2026-11-30T01:00:00Z');

  it('says since when an appliance is unreachable and why, and that its sessions wait', () => {
    const message = renderWatchSlack({
      kind: 'appliance-unreachable',
      appliance: 'eu-west',
      sinceMs: since,
      reason: 'timeout',
    });
    expect(message.text).toBe(
      'The watcher cannot read appliance eu-west since 2026-11-30 01:00:00 UTC: timeout. Its sessions are not being reported until it answers again.',
    );
    expect(message.blocks[0]).toMatchObject({ text: { text: '🔌 Appliance eu-west is unreachable' } });
  });

  it('says how long it was unreachable once it answers again', () => {
    const message = renderWatchTeams({
      kind: 'appliance-reachable',
      appliance: 'eu-west',
      sinceMs: since,
      nowMs: since + 2 * 3_600_000 + 5 * 60_000,
    });
    expect(message.attachments[0].content.body[1]).toMatchObject({
      text: 'Appliance eu-west answers again after 2h 5m (unreachable since 2026-11-30 01:00:00 UTC); sessions that ended meanwhile are reported now.',
    });
  });
});
