import { renderSlack, SLACK_LIMITS, type SlackMessage, slackBlockChars } from '../../src/core/render/slack.ts';
import { TEAMS_MAX_BYTES, type TeamsMessage } from '../../src/core/render/teams.ts';

/** Every Slack limit the renderer promises; throws naming the first one broken. */
export function checkSlackLimits(message: SlackMessage): void {
  const fail = (what: string) => {
    throw new Error(`Slack limit broken: ${what}`);
  };
  if (message.blocks.length > SLACK_LIMITS.blocks) fail('blocks');
  if (message.text.length > SLACK_LIMITS.fallbackText) fail('fallback text');
  if (slackBlockChars(message.blocks) > SLACK_LIMITS.totalBlockChars) fail('total block characters');
  for (const block of message.blocks) {
    if (block.type === 'header' && block.text.text.length > SLACK_LIMITS.headerText) fail('header');
    if ('fields' in block) {
      if (block.fields.length > SLACK_LIMITS.fields) fail('fields');
      for (const field of block.fields) if (field.text.length > SLACK_LIMITS.fieldText) fail('field text');
    }
    if (block.type === 'section' && 'text' in block && block.text.text.length > SLACK_LIMITS.sectionText) {
      fail('section text');
    }
  }
}

/** The Teams request stays under TEAMS_MAX_BYTES of UTF-8 JSON. */
export function checkTeamsLimits(message: TeamsMessage): void {
  const bytes = Buffer.byteLength(JSON.stringify(message), 'utf8');
  if (bytes > TEAMS_MAX_BYTES) throw new Error(`Teams limit broken: ${bytes} bytes`);
}

export { renderSlack };
