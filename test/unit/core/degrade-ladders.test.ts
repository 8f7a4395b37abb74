import { describe, expect, it } from 'vitest';
import { renderSlack, SLACK_LIMITS, type SlackMessage, slackBlockChars } from '../../../src/core/render/slack.ts';
import { renderTeams, TEAMS_MAX_BYTES, type TeamsMessage } from '../../../src/core/render/teams.ts';
import { createSummaryBuilder } from '../../../src/core/summarize.ts';
import type { Notification } from '../../../src/core/summary.ts';

/**
 * A failed session with 12 failures and 12 warnings of `length` characters each. `url` is the knob that grows the card one
 * character at a time: the Teams card carries it in its action; Slack's message is grown through the mention instead.
 */
function heavy(length: number, url: string | null = null): Notification {
  const builder = createSummaryBuilder('4242');
  for (let i = 0; i < 12; i++) {
    builder.add({ status: 'Error', message: `E${String(i).padStart(2, '0')} ${'a'.repeat(length)}` });
    builder.add({ status: 'Warning', message: `W${String(i).padStart(2, '0')} ${'b'.repeat(length)}` });
  }
  return {
    kind: 'summary',
    summary: builder.finish('4242'),
    session: {
      policyName: 'Ladder-Policy',
      type: 'Policy Backup',
      status: 'Error',
      startedAt: '2024-03-12T01:00:04Z',
      endedAt: '2024-03-12T01:17:19Z',
      durationMs: 1_035_000,
      url,
      fetched: true,
    },
  };
}

/** What a reader sees of the problem lists: lines per group, the longest message, and whether the group titles remain. */
interface Detail {
  readonly failed: number;
  readonly warnings: number;
  readonly longest: number;
  readonly titles: boolean;
}

/** The ladder's levels as a reader sees them: lines per group and the longest message; past the last, no lists at all. */
function levelOf(detail: Detail, levels: readonly (readonly [perGroup: number, longest: number])[]): number {
  if (!detail.titles) return levels.length;
  if (detail.failed !== detail.warnings) return -1;
  return levels.findIndex(([perGroup, longest]) => perGroup === detail.failed && longest === detail.longest);
}

function teamsDetail(message: TeamsMessage): Detail {
  const texts = message.attachments[0].content.body.flatMap((e) => (e.type === 'TextBlock' ? [e.text] : []));
  const lines = texts.filter((t) => /^\*\*(Error|Warning)\*\*: /.test(t));
  return {
    failed: lines.filter((t) => t.startsWith('**Error**')).length,
    warnings: lines.filter((t) => t.startsWith('**Warning**')).length,
    longest: Math.max(0, ...lines.map((t) => t.replace(/^\*\*\w+\*\*: /, '').length)),
    titles: texts.includes('**Failed steps (12)**') && texts.includes('**Warnings (12)**'),
  };
}

function slackDetail(message: SlackMessage): Detail {
  const texts = message.blocks.flatMap((b) => (b.type === 'section' && 'text' in b ? b.text.text.split('\n') : []));
  const lines = texts.filter((l) => /^• \*(Error|Warning)\*: /.test(l));
  return {
    failed: lines.filter((l) => l.startsWith('• *Error*')).length,
    warnings: lines.filter((l) => l.startsWith('• *Warning*')).length,
    longest: Math.max(0, ...lines.map((l) => l.replace(/^• \*\w+\*: /, '').length)),
    titles: texts.includes('*Failed steps (12)*') && texts.includes('*Warnings (12)*'),
  };
}

/** The largest knob size whose message still sits at `level` or an earlier one (sizes grow by one per knob character). */
function largestAt(level: number, levelAt: (size: number) => number, most: number): number {
  let low = 0;
  let high = most;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (levelAt(middle) <= level) low = middle;
    else high = middle - 1;
  }
  return low;
}

describe('renderTeams degrade ladder', () => {
  // Messages of 604 characters: shown whole at the first level (500), then cut to 200, 120, 60, then not shown.
  const LEVELS = [
    [10, 500],
    [10, 200],
    [5, 120],
    [3, 60],
    [0, 0],
  ] as const;
  const card = (urlLength: number) => renderTeams(heavy(600, `https://x/${'u'.repeat(urlLength)}`));
  const bytes = (message: TeamsMessage) => Buffer.byteLength(JSON.stringify(message), 'utf8');
  const level = (message: TeamsMessage) => levelOf(teamsDetail(message), LEVELS);

  it.each([0, 1, 2, 3])('uses level %i up to exactly TEAMS_MAX_BYTES, and the next level one byte over', (k) => {
    const largest = largestAt(k, (n) => level(card(n)), 40_000);
    const atLimit = card(largest);
    expect(level(atLimit)).toBe(k);
    expect(bytes(atLimit)).toBe(TEAMS_MAX_BYTES);
    const over = card(largest + 1);
    expect(level(over)).toBe(k + 1);
    expect(bytes(over)).toBeLessThan(TEAMS_MAX_BYTES);
  });

  it('sends the barest card (counts, no problem lines) even past the limit: only an oversized console link gets there', () => {
    const firstAtLast = largestAt(3, (n) => level(card(n)), 40_000) + 1;
    const exact = firstAtLast + TEAMS_MAX_BYTES - bytes(card(firstAtLast));
    expect(level(card(exact))).toBe(4);
    expect(bytes(card(exact))).toBe(TEAMS_MAX_BYTES);
    const over = card(exact + 1);
    expect(teamsDetail(over)).toEqual({ failed: 0, warnings: 0, longest: 0, titles: true });
    expect(bytes(over)).toBe(TEAMS_MAX_BYTES + 1);
  });
});

describe('renderSlack degrade ladder', () => {
  // Every Slack text but the mention has a cap, and config allows at most ten short mentions: the largest real message
  // fits at the second level, so levels three to five are a reserve no input reaches (stryker.equivalent.md).
  const LEVELS = [
    [10, 404],
    [10, 200],
  ] as const;
  const message = (mentionLength: number) => renderSlack(heavy(400), { mention: `<@U${'X'.repeat(mentionLength)}>` });
  const chars = (m: SlackMessage) => slackBlockChars(m.blocks);
  const level = (m: SlackMessage) => levelOf(slackDetail(m), LEVELS);

  it('keeps full detail up to exactly the block character budget, and cuts messages to 200 one character over', () => {
    const largest = largestAt(0, (n) => level(message(n)), 3_500);
    const atLimit = message(largest);
    expect(level(atLimit)).toBe(0);
    expect(chars(atLimit)).toBe(SLACK_LIMITS.totalBlockChars);
    const over = message(largest + 1);
    expect(level(over)).toBe(1);
    expect(chars(over)).toBeLessThan(SLACK_LIMITS.totalBlockChars);
  });
});
