import type { SecretRef } from '../config/notifier.ts';
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

/** The chat webhooks of one route (the default route, or one ROUTES rule). */
export interface PosterTargets {
  /** "default route" or "route 2 (team-sql)": names the posters (and their pacers) apart from other routes. */
  readonly label: string;
  readonly slack: SecretRef | undefined;
  readonly teams: SecretRef | undefined;
}

/** The name of a route's destination of `kind`: the same for its session notifications and its watcher posts (one pacer). */
export function routeDestinationName(kind: 'slack' | 'teams', label: string): string {
  return label === 'default route' ? kind : `${kind} (${label})`;
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
    targets.teams && make('teams', targets.teams, renderWatchTeams, interpretTeams),
  ].filter((p) => p !== undefined);
}
