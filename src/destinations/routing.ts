import type { AlertingConfig, Config, PagerDutyConfig, SecretRef } from '../config/notifier.ts';
import { parseRoutes, type RouteRule } from '../config/routes.ts';
import { outcomeOf } from '../core/context.ts';
import { chooseRoutes, type RouteFacts } from '../core/routing.ts';
import type { Notification } from '../core/summary.ts';
import type { Log } from '../logger.ts';
import { measuredDestination } from '../measured.ts';
import type { Metrics } from '../metrics.ts';
import type { Destination } from '../ports.ts';
import { resolveRoutingKey, resolveWebhookUrl, type SecretReader } from '../secrets.ts';
import type { DeliveryStore } from './delivery-store.ts';
import { createGenericDestination } from './generic.ts';
import { withIdempotency } from './idempotent.ts';
import { createPagerDutyDestination } from './pagerduty.ts';
import type { WebhookTransport } from './post-webhook.ts';
import { createSlackDestination } from './slack.ts';
import { createTeamsDestination } from './teams.ts';

/** The label of the global destinations' route. */
export const DEFAULT_ROUTE = 'default route';

/** Where a set of messages goes: the default route (the global destinations) or one rule's. */
export interface Route {
  /** "default route", "route 2", "route 2 (team-sql)". */
  readonly label: string;
  readonly slack: SecretRef | undefined;
  readonly teams: SecretRef | undefined;
  /** Ready to post: idempotent (and paced, when the caller paces). */
  readonly destinations: readonly Destination[];
}

/** The routing table, built: the rules in order (for matching) with their routes, and the default route. */
export interface RouteTable {
  readonly rules: readonly RouteRule[];
  readonly routes: readonly Route[];
  readonly defaultRoute: Route;
}

/** Chooses each notification's destinations by the ROUTES rules (Alertmanager-style), falling back to the default route. */
export interface Routing {
  table(): Promise<RouteTable>;
  destinationsFor(notification: Notification): Promise<readonly Destination[]>;
}

export interface RoutingOptions {
  readonly secrets: SecretReader;
  /** WEBHOOK_HOST_CHECK: a secret-held URL must point at the destination's own service. */
  readonly hostCheck: boolean;
  readonly transport: WebhookTransport;
  readonly deliveryStore: DeliveryStore;
  readonly logger: Log;
  readonly metrics: Metrics;
  /** Applied to every idempotent destination; `key` is the same for every destination on one webhook (pacing). */
  readonly wrap?: (destination: Destination, key: string) => Destination;
  /** Destinations of the default route built elsewhere (Slack app mode), made idempotent and measured like the rest. */
  readonly defaultExtras?: readonly Destination[];
}

/** The routes of `config`; rules held in a secret are re-read through the secret cache and rebuilt when they change. */
export function createRouting(config: Config, options: RoutingOptions): Routing {
  const defaultRoute = buildRoute(
    DEFAULT_ROUTE,
    { slack: config.slack, teams: config.teams, pagerduty: config.pagerduty, generic: config.generic },
    config.alerting,
    options,
    options.defaultExtras,
  );
  let built: { text: string; table: RouteTable } | undefined;
  const tableOf = (rules: readonly RouteRule[]): RouteTable => ({
    rules,
    routes: rules.map((rule) =>
      buildRoute(rule.label, ruleTargets(rule, config), ruleAlerting(rule, config.alerting), options),
    ),
    defaultRoute,
  });
  const table = async (): Promise<RouteTable> => {
    const ref = config.routes;
    if (ref === undefined || ref.kind === 'list') {
      built ??= { text: '', table: tableOf(ref?.rules ?? []) };
      return built.table;
    }
    const text = await options.secrets.getSecretString(ref.arn);
    if (built?.text !== text)
      built = { text, table: tableOf(parseRoutes(text, `secret ${ref.arn} (ROUTES_SECRET_ARN)`)) };
    return built.table;
  };
  return {
    table,
    async destinationsFor(notification) {
      const current = await table();
      const choice = chooseRoutes(current.rules, factsOf(notification));
      if (choice.usesDefault) return current.defaultRoute.destinations;
      return choice.rules.flatMap((index) => current.routes[index]?.destinations ?? []);
    },
  };
}

/** The facts a notification is routed by. */
export function factsOf(notification: Notification): RouteFacts {
  return {
    appliance: notification.appliance?.name ?? 'default',
    policy: notification.session?.policyName ?? null,
    outcome: outcomeOf(notification),
  };
}

interface Targets {
  readonly slack: SecretRef | undefined;
  readonly teams: SecretRef | undefined;
  readonly pagerduty: PagerDutyConfig | undefined;
  readonly generic: SecretRef | undefined;
}

function ruleTargets(rule: RouteRule, config: Config): Targets {
  const notifyOn = rule.notifyOn === 'all' ? undefined : rule.notifyOn;
  return {
    slack: rule.slack,
    teams: rule.teams,
    pagerduty: rule.pagerduty && {
      routingKey: rule.pagerduty,
      eventsUrl: config.pagerduty?.eventsUrl ?? 'https://events.pagerduty.com/v2/enqueue',
      // PagerDuty pages on a state, never on a change alone: a rule's `changes` leaves it at its own threshold.
      notifyOn: (notifyOn === 'changes' ? undefined : notifyOn) ?? config.pagerduty?.notifyOn ?? 'failures',
    },
    generic: rule.generic,
  };
}

function ruleAlerting(rule: RouteRule, global: AlertingConfig): AlertingConfig {
  return {
    slack: { ...global.slack, notifyOn: rule.notifyOn ?? global.slack.notifyOn, mention: rule.slackMention },
    teams: { ...global.teams, notifyOn: rule.notifyOn ?? global.teams.notifyOn, mention: rule.teamsMention },
    generic: { notifyOn: rule.notifyOn ?? global.generic.notifyOn },
  };
}

function buildRoute(
  label: string,
  targets: Targets,
  alerting: AlertingConfig,
  options: RoutingOptions,
  extras: readonly Destination[] = [],
): Route {
  const { secrets, transport, hostCheck } = options;
  const { slack, teams, pagerduty, generic } = targets;
  const made: (Destination | undefined)[] = [
    slack &&
      createSlackDestination({
        ...transport,
        webhookUrl: () => resolveWebhookUrl(slack, 'SLACK_WEBHOOK', secrets, hostCheck),
        ...alerting.slack,
      }),
    teams &&
      createTeamsDestination({
        ...transport,
        webhookUrl: () => resolveWebhookUrl(teams, 'TEAMS_WEBHOOK', secrets, hostCheck),
        ...alerting.teams,
      }),
    pagerduty &&
      createPagerDutyDestination({
        ...transport,
        routingKey: () => resolveRoutingKey(pagerduty.routingKey, secrets),
        eventsUrl: pagerduty.eventsUrl,
        source: 'default',
        notifyOn: pagerduty.notifyOn,
      }),
    generic &&
      createGenericDestination({
        ...transport,
        webhookUrl: () => resolveWebhookUrl(generic, 'GENERIC_WEBHOOK', secrets, hostCheck),
        appliance: 'default',
        notifyOn: alerting.generic.notifyOn,
      }),
    ...extras,
  ];
  const destinations = made.flatMap((destination) => {
    if (destination === undefined) return [];
    // Per-rule names keep each rule's deliveries apart in the delivery records and the logs.
    const named: Destination =
      label === DEFAULT_ROUTE ? destination : { name: `${destination.name} (${label})`, post: destination.post };
    // Measured inside the idempotency layer: a duplicate it answers from its records is not a second delivery.
    const idempotent = withIdempotency(
      measuredDestination(named, options.metrics),
      options.deliveryStore,
      options.logger,
    );
    return [options.wrap ? options.wrap(idempotent, named.name) : idempotent];
  });
  return { label, slack, teams, destinations };
}
