import { describe, expect, it } from 'vitest';
import { renderSlack, type SlackMessage, slackBlockChars } from '../../../src/core/render/slack.ts';
import { summarize } from '../../../src/core/summarize.ts';
import type { Notification } from '../../../src/core/summary.ts';
import { memoryWith, sessionContext } from '../../support/notifications.ts';

const failed = (messages: string[]) =>
  summarize('77', { log: messages.map((message) => ({ status: 'Error', message })) });

const fields = (message: SlackMessage): string[] =>
  message.blocks.flatMap((block) => ('fields' in block ? block.fields.map((f) => f.text) : []));
const sections = (message: SlackMessage): string[] =>
  message.blocks.flatMap((block) => (block.type === 'section' && 'text' in block ? [block.text.text] : []));
const hasButton = (message: SlackMessage) => message.blocks.some((b) => b.type === 'actions');

describe('Slack summary fields', () => {
  it("adds the appliance's status and the fleet appliance's name as fields", () => {
    const message = renderSlack({
      kind: 'summary',
      summary: failed(['x']),
      session: sessionContext({ status: 'Failed' }),
      appliance: { name: 'eu-west', source: 'eu-west' },
    });
    expect(fields(message)).toContain('*Appliance status*\nFailed');
    expect(fields(message)).toContain('*Appliance*\neu-west');
  });

  it('shows a link button for a console URL of up to 3,000 characters and none for a longer one', () => {
    const url = (length: number) => `https://b.example/${'x'.repeat(length - 'https://b.example/'.length)}`;
    const withUrl = (length: number): Notification => ({
      kind: 'summary',
      summary: failed(['x']),
      session: sessionContext({ url: url(length) }),
    });
    expect(hasButton(renderSlack(withUrl(3_000)))).toBe(true);
    expect(hasButton(renderSlack(withUrl(3_001)))).toBe(false);
  });

  it('says "(no message)" for a failed step whose message is blank, and counts one more step in the singular', () => {
    const summary = failed(['  ', ...Array.from({ length: 10 }, (_, i) => `m${i}`)]);
    const text = sections(renderSlack({ kind: 'summary', summary })).join('\n');
    expect(text).toContain('• *Error*: _(no message)_');
    expect(text).toContain('_…and 1 more failed step_');
  });

  it('keeps a memory line in a context block, and no context block without memory', () => {
    const contexts = (notification: Notification) =>
      renderSlack(notification).blocks.filter((b) => b.type === 'context').length;
    const plain: Notification = { kind: 'summary', summary: failed(['x']) };
    expect(contexts(plain)).toBe(0);
    const remembered: Notification = {
      ...plain,
      memory: memoryWith({ streak: { cls: 'failure', count: 2, since: '2026-11-29T00:00:00Z', lastSuccessAt: null } }),
    };
    expect(contexts(remembered)).toBe(1);
  });
});

describe('Slack section packing', () => {
  it('puts a line that makes a section exactly 3,000 characters into it, and starts a new section one past', () => {
    // "*Failed steps (6)*" is 18 characters; each line adds "\n• *Error*: " (12) and its message: 18 + 6 × 12 + 2,910.
    const packed = (extra: number) => {
      const messages = Array.from({ length: 6 }, (_, i) => String(i).repeat(i === 5 ? 485 + extra : 485));
      return sections(renderSlack({ kind: 'summary', summary: failed(messages) })).filter(
        (s) => s.startsWith('*Failed steps') || s.startsWith('• *Error*'),
      );
    };
    expect(packed(0).map((s) => s.length)).toEqual([3_000]);
    expect(packed(1).map((s) => s.length)).toEqual([2_503, 497]);
  });
});

describe('Slack problem report', () => {
  it('names the HTTP status when there was one, and leaves the field out when there was none', () => {
    const report = (statusCode: number | null): Notification => ({
      kind: 'problem',
      problem: { sessionId: '9', failure: 'forbidden', statusCode, detail: 'no rights' },
    });
    expect(fields(renderSlack(report(403)))).toContain('*HTTP status*\n403');
    expect(fields(renderSlack(report(null))).some((f) => f.startsWith('*HTTP status*'))).toBe(false);
  });
});

describe('slackBlockChars', () => {
  it('counts section text, fields, context elements and button labels', () => {
    expect(
      slackBlockChars([
        { type: 'section', text: { type: 'mrkdwn', text: 'abc' } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: 'de' },
            { type: 'mrkdwn', text: 'f' },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'ghij' }] },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'kl', emoji: true },
              url: 'https://x',
              action_id: 'a',
            },
          ],
        },
      ]),
    ).toBe(12);
  });
});
