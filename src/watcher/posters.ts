import type { SecretRef } from '../config/notifier.ts';
import type { SlackAppConfig } from '../config/slack-app.ts';
import { renderWatchSlack, renderWatchTeams, type WatchMessage } from '../core/render/digest.ts';
import { postWebhook } from '../destinations/post-webhook.ts';
import { DEFAULT_ROUTE } from '../destinations/routing.ts';
import { interpretSlack } from '../destinations/slack.ts';
import { createSlackWebApi } from '../destinations/slack-api.ts';
import { interpretTeams } from '../destinations/teams.ts';
import { DeliveryError } from '../errors.ts';
import type { HttpAgents } from '../http/client.ts';
import type { Deadline, Destination } from '../ports.ts';
import { resolveSlackBotToken, resolveWebhookUrl, type SecretReader } from '../secrets.ts';

/** Posts the watcher's own messages (digest, missed-run alerts) to one chat webhook. */
export interface WatchPoster {
  readonly name: string;
  post(message: WatchMessage, deadline: Deadline): Promise<void>;
}

/** Spaces calls at least `intervalMs` apart, in call order; shared by everything posting to one webhook. */
export interface Pacer {
  /** Resolves when the caller may post; throws a retryable DeliveryError if its slot lies past the deadline. */
  wait(name: string, deadline: Deadline): Promise<void>;
}

/** A pacer for one webhook: Slack accepts about one message per second per incoming webhook. */
export function createPacer(intervalMs: number, now: () => number = Date.now): Pacer {
  let nextSlot = 0;
  return {
    async wait(name, deadline) {
      const slot = Math.max(now(), nextSlot);
      const waitMs = slot - now();
      if (waitMs >= deadline.remainingMs()) {
        throw new DeliveryError(name, `${name}: no time left for a paced post`, { retryable: true });
      }
      nextSlot = slot + intervalMs;
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    },
  };
}

/** A destination that waits for its pacer's slot before each post. */
export function pacedDestination(destination: Destination, pacer: Pacer): Destination {
  return {
    name: destination.name,
    post: async (notification, deadline) => {
      await pacer.wait(destination.name, deadline);
      return destination.post(notification, deadline);
    },
  };
}

/** The chat webhooks of one route (the default route, or one ROUTES rule). */
export interface PosterTargets {
  /** "default route" or "route 2 (team-sql)": names the posters (and their pacers) apart from other routes. */
  readonly label: string;
  readonly slack: SecretRef | undefined;
  readonly teams: SecretRef | undefined;
  /** Slack app mode (the default route only): the channel and bot token of SLACK_CHANNEL / SLACK_BOT_TOKEN. */
  readonly slackApp?: SlackAppConfig | undefined;
}

/** The name of a route's destination of `kind`: the same for its session notifications and its watcher posts (one pacer). */
export function routeDestinationName(kind: 'slack' | 'teams', label: string): string {
  return label === DEFAULT_ROUTE ? kind : `${kind} (${label})`;
}

/** Posters for a route's chat webhooks, on the same webhooks (and pacers) as its session notifications. */
export function createWatchPosters(
  targets: PosterTargets,
  options: {
    secrets: SecretReader;
    perAttemptTimeoutMs: number;
    /** WEBHOOK_HOST_CHECK: a secret-held URL must point at the destination's own service. */
    hostCheck: boolean;
    agents?: HttpAgents;
    pacer?: (name: string) => Pacer | undefined;
  },
): WatchPoster[] {
  const make = (
    kind: 'slack' | 'teams',
    ref: SecretRef,
    render: (message: WatchMessage) => unknown,
    interpret: typeof interpretSlack,
  ): WatchPoster => {
    const name = routeDestinationName(kind, targets.label);
    return {
      name,
      async post(message, deadline) {
        await options.pacer?.(name)?.wait(name, deadline);
        await postWebhook({
          destination: name,
          url: await resolveWebhookUrl(
            ref,
            kind === 'slack' ? 'SLACK_WEBHOOK' : 'TEAMS_WEBHOOK',
            options.secrets,
            options.hostCheck,
          ),
          payload: render(message),
          deadline,
          agents: options.agents,
          perAttemptTimeoutMs: options.perAttemptTimeoutMs,
          interpret,
        });
      },
    };
  };
  return [
    targets.slack && make('slack', targets.slack, renderWatchSlack, interpretSlack),
    targets.slackApp && slackAppPoster(targets.slackApp, options),
    targets.teams && make('teams', targets.teams, renderWatchTeams, interpretTeams),
  ].filter((p) => p !== undefined);
}

/** Slack app mode: the watcher's messages go to SLACK_CHANNEL through chat.postMessage, paced like the webhook. */
function slackAppPoster(
  app: SlackAppConfig,
  options: {
    secrets: SecretReader;
    perAttemptTimeoutMs: number;
    agents?: HttpAgents;
    pacer?: (name: string) => Pacer | undefined;
  },
): WatchPoster {
  const api = createSlackWebApi({
    apiUrl: app.apiUrl,
    token: () => resolveSlackBotToken(app.token, options.secrets),
    agents: options.agents,
    perAttemptTimeoutMs: options.perAttemptTimeoutMs,
  });
  return {
    name: 'slack',
    async post(message, deadline) {
      await options.pacer?.('slack')?.wait('slack', deadline);
      const { text, blocks } = renderWatchSlack(message);
      await api.call('chat.postMessage', { channel: app.channel, text, blocks }, deadline);
    },
  };
}
