import { type MentionOn, type NotifyOn, shouldMention } from '../core/context.ts';
import { openLine, resolvedLine } from '../core/history/lines.ts';
import type { Memory } from '../core/history/model.ts';
import { renderSlack, SLACK_LIMITS, type SlackBlock, type SlackMessage, slackLocalTime } from '../core/render/slack.ts';
import type { Notification } from '../core/summary.ts';
import type { HistoryRecorder } from '../history/recorder.ts';
import type { Deadline, Destination } from '../ports.ts';
import { thresholdSkip } from './post-webhook.ts';
import type { SlackWebApi } from './slack-api.ts';

export interface SlackAppOptions {
  readonly api: SlackWebApi;
  /** The channel ID (SLACK_CHANNEL). */
  readonly channel: string;
  readonly notifyOn?: NotifyOn;
  readonly mention?: string | undefined;
  readonly mentionOn?: MentionOn;
  /** Where the thread of the open problem runs is kept; without it every message posts on its own. */
  readonly threads?: Pick<HistoryRecorder, 'saveThread'> | undefined;
}

/** The parent of a thread: a one-line banner above the latest message, cut to Slack's block limit. */
function withBanner(banner: string, message: SlackMessage): SlackMessage {
  const head: SlackBlock = { type: 'section', text: { type: 'mrkdwn', text: `*${banner}*` } };
  return {
    text: `${banner} — ${message.text}`.slice(0, SLACK_LIMITS.fallbackText),
    blocks: [head, ...message.blocks].slice(0, SLACK_LIMITS.blocks),
  };
}

/**
 * Slack app mode (SLACK_BOT_TOKEN + SLACK_CHANNEL): the first problem run of a policy posts a parent message, the
 * following ones reply in its thread and update the parent ("Failing for 3 runs since …"), and the recovery replies
 * and marks the parent resolved; other sessions post on their own. The thread lives in the policy's history.
 */
export function createSlackAppDestination(options: SlackAppOptions): Destination {
  const post = (message: SlackMessage, deadline: Deadline, threadTs?: string) =>
    options.api.call(
      'chat.postMessage',
      {
        channel: options.channel,
        text: message.text,
        blocks: message.blocks,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      },
      deadline,
    );
  const update = (ts: string, message: SlackMessage, deadline: Deadline) =>
    options.api.call(
      'chat.update',
      { channel: options.channel, ts, text: message.text, blocks: message.blocks },
      deadline,
    );

  return {
    name: 'slack',
    async post(notification: Notification, deadline) {
      const skip = thresholdSkip('SLACK_NOTIFY_ON', options.notifyOn ?? 'all', notification);
      if (skip) return skip;
      const mention = shouldMention(notification, options.mentionOn ?? 'failures') ? options.mention : undefined;
      const message = renderSlack(notification, { mention });
      const memory: Memory | undefined = notification.memory;
      const thread = memory?.thread;
      const recovered = memory?.facts?.recovered;
      if (thread?.ts) {
        await post(message, deadline, thread.ts);
        await update(thread.ts, withBanner(openLine(thread, slackLocalTime), message), deadline);
      } else if (memory && thread) {
        const parent = await post(withBanner(openLine(thread, slackLocalTime), message), deadline);
        if (typeof parent.ts === 'string')
          await options.threads?.saveThread(memory.key, thread.since, parent.ts, deadline);
      } else if (recovered?.threadTs) {
        await post(message, deadline, recovered.threadTs);
        await update(recovered.threadTs, withBanner(resolvedLine(recovered), message), deadline);
      } else {
        await post(message, deadline);
      }
      return undefined;
    },
  };
}
