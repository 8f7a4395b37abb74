import { describe, expect, it } from 'vitest';
import { meetsThreshold, thresholdReason } from '../../../src/core/context.ts';
import type { Memory } from '../../../src/core/history/model.ts';
import { renderTeams } from '../../../src/core/render/teams.ts';
import { summarize } from '../../../src/core/summarize.ts';
import type { ApplianceRef, Notification, SessionContext } from '../../../src/core/summary.ts';
import { memoryWith, sessionContext } from '../../support/notifications.ts';

const withLog = (
  statuses: string[],
  extra: { session?: SessionContext; appliance?: ApplianceRef; memory?: Memory } = {},
): Notification => ({
  kind: 'summary',
  summary: summarize('77', { log: statuses.map((status) => ({ status })) }),
  ...extra,
});
const body = (notification: Notification, mention?: { id: string; name: string }) =>
  renderTeams(notification, { mention }).attachments[0].content.body;
const facts = (notification: Notification): { title: string; value: string }[] =>
  body(notification).flatMap((element) => ('facts' in element ? [...element.facts] : []));

const memory = (change: boolean): Memory =>
  memoryWith({ change, streak: { cls: 'failure', count: 3, since: '2026-11-28T00:00:00Z', lastSuccessAt: null } });

describe('Teams card colours', () => {
  it.each([
    [['Error'], 'Attention'],
    [['Warning'], 'Warning'],
    [['Mystery'], 'Warning'],
    [['Canceled'], 'Default'],
    [['Running'], 'Accent'],
    [['Success'], 'Good'],
    [[], 'Warning'],
  ])('colours the headline of a %j session %s', (statuses, color) => {
    expect(body(withLog(statuses))[0]).toMatchObject({ color });
  });
});

describe('Teams card facts and blocks', () => {
  it("adds the appliance's status and the fleet appliance's name, to summaries and to problem reports", () => {
    const summary = withLog(['Error'], {
      session: sessionContext({ status: 'Failed' }),
      appliance: { name: 'eu-west', source: 'eu-west' },
    });
    expect(facts(summary)).toEqual(
      expect.arrayContaining([
        { title: 'Appliance status', value: 'Failed' },
        { title: 'Appliance', value: 'eu-west' },
      ]),
    );
    const problem: Notification = {
      kind: 'problem',
      problem: { sessionId: '9', failure: 'forbidden', statusCode: 403, detail: 'no rights' },
      appliance: { name: 'eu-west', source: 'eu-west' },
    };
    expect(facts(problem)).toEqual(expect.arrayContaining([{ title: 'Appliance', value: 'eu-west' }]));
  });

  it('says what memory knows in a bold, closely spaced block', () => {
    const blocks = body(withLog(['Error'], { memory: memory(false) }));
    expect(blocks).toContainEqual({
      type: 'TextBlock',
      text: '3rd failure in a row — no success on record',
      wrap: true,
      weight: 'Bolder',
      spacing: 'Small',
    });
  });

  it('mentions the on-call person with the same <at> text in the block and the entity', () => {
    const card = renderTeams(withLog(['Error']), { mention: { id: 'alice@contoso.com', name: 'Alice Smith' } });
    const texts = card.attachments[0].content.body.map((e) => ('text' in e ? e.text : ''));
    expect(texts).toContain('🔔 <at>Alice Smith</at> please take a look.');
    expect(card.attachments[0].content.msteams.entities).toEqual([
      { type: 'mention', text: '<at>Alice Smith</at>', mentioned: { id: 'alice@contoso.com', name: 'Alice Smith' } },
    ]);
  });
});

describe('changes-only destinations', () => {
  it('without memory, let through everything but a success or an empty log', () => {
    expect(meetsThreshold('failed', 'changes')).toBe(true);
    expect(meetsThreshold('warning', 'changes')).toBe(true);
    expect(meetsThreshold('success', 'changes')).toBe(false);
    expect(meetsThreshold(null, 'changes')).toBe(false);
  });

  it('post a change, and say why they stay quiet otherwise', () => {
    expect(thresholdReason(withLog(['Error'], { memory: memory(true) }), 'changes')).toBeUndefined();
    expect(thresholdReason(withLog(['Error'], { memory: memory(false) }), 'changes')).toBe(
      'nothing changed since the previous run',
    );
    expect(thresholdReason(withLog(['Success']), 'changes')).toBe('a success with no history to compare');
    expect(thresholdReason(withLog([]), 'changes')).toBe('a success with no history to compare');
    expect(thresholdReason(withLog(['Error']), 'changes')).toBeUndefined();
  });

  it('treat an unreadable log as news, not a success', () => {
    const problem: Notification = {
      kind: 'problem',
      problem: { sessionId: '9', failure: 'forbidden', statusCode: 403, detail: 'no rights' },
    };
    expect(thresholdReason(problem, 'changes')).toBeUndefined();
  });
});
