import type { Config } from '../config/notifier.ts';
import { renderWatchSlack, renderWatchTeams, type WatchMessage } from '../core/render/digest.ts';
import { postWebhook } from '../destinations/post-webhook.ts';
import { interpretSlack } from '../destinations/slack.ts';
import { interpretTeams } from '../destinations/teams.ts';
import { DeliveryError } from '../errors.ts';
import type { HttpAgents } from '../http/client.ts';
import type { Deadline, Destination } from '../ports.ts';
import { resolveWebhookUrl, type SecretReader } from '../secrets.ts';

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

/** Posters for every configured destination, on the same webhooks (and pacers) as the session notifications. */
export function createWatchPosters(
  config: Config,
  options: { secrets: SecretReader; agents?: HttpAgents; pacers?: ReadonlyMap<string, Pacer> },
): WatchPoster[] {
  const make = (
    name: 'slack' | 'teams',
    variable: string,
    render: (message: WatchMessage) => unknown,
    interpret: typeof interpretSlack,
  ): WatchPoster => ({
    name,
    async post(message, deadline) {
      await options.pacers?.get(name)?.wait(name, deadline);
      await postWebhook({
        destination: name,
        url: await resolveWebhookUrl(
          name === 'slack' ? config.slack : config.teams,
          variable,
          options.secrets,
          config.webhookHostCheck,
        ),
        payload: render(message),
        deadline,
        agents: options.agents,
        perAttemptTimeoutMs: config.httpTimeoutMs,
        interpret,
      });
    },
  });
  return [
    config.slack && make('slack', 'SLACK_WEBHOOK', renderWatchSlack, interpretSlack),
    config.teams && make('teams', 'TEAMS_WEBHOOK', renderWatchTeams, interpretTeams),
  ].filter((p) => p !== undefined);
}
