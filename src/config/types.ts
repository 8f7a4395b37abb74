import type { Product } from '../appliance/dialects/index.ts';
import type { MentionOn, NotifyOn } from '../core/context.ts';
import type { TeamsMention } from '../core/render/teams.ts';
import type { AppliancesRef } from './appliances.ts';
import type { RoutesRef } from './routes.ts';
import type { SlackAppConfig } from './slack-app.ts';

// The notifier's configuration as the rest of the code reads it; src/config/notifier.ts builds it from the environment.

/** Where a secret value comes from: the environment (local runs) or AWS Secrets Manager (deployed). */
export type SecretRef =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'secret'; readonly arn: string };

/** Credentials for the appliance, or the ARN of a JSON secret holding them. */
export type CredentialsRef =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'password'; readonly username: string; readonly password: string }
  | { readonly kind: 'secret'; readonly arn: string };

/** The single appliance of BACKUP_API_* (the fleet's `default`). */
export interface ApiConfig {
  /** Which appliance family (BACKUP_PRODUCT), default "azure". */
  readonly product: Product;
  readonly baseUrl: string;
  readonly version: string;
  readonly credentials: CredentialsRef;
  readonly caCertPem: string | undefined;
  readonly insecureTls: boolean;
  /** BACKUP_API_ALLOW_HTTP: plain http:// to a remote appliance was accepted (credentials in clear; warned). */
  readonly allowHttp: boolean;
}

export interface Config {
  /** The BACKUP_API_* appliance; undefined when APPLIANCES or APPLIANCES_SECRET_ARN lists the fleet. */
  readonly api: ApiConfig | undefined;
  /** Every appliance this deployment serves (one named `default` for BACKUP_API_*). */
  readonly appliances: AppliancesRef;
  /** Routing rules (ROUTES / ROUTES_SECRET_ARN); undefined sends everything to the global destinations. */
  readonly routes: RoutesRef | undefined;
  readonly slack: SecretRef | undefined;
  /** Set instead of `slack` when SLACK_BOT_TOKEN(_SECRET_ARN) and SLACK_CHANNEL are. */
  readonly slackApp: SlackAppConfig | undefined;
  readonly teams: SecretRef | undefined;
  /** PagerDuty Events API v2 (on-call paging): the routing key, the endpoint, and which sessions trigger. */
  readonly pagerduty: PagerDutyConfig | undefined;
  /** A generic JSON webhook receiving the versioned summary (docs/generic-webhook.schema.json). */
  readonly generic: SecretRef | undefined;
  /** Who hears about what, and who is pinged, per destination. */
  readonly alerting: AlertingConfig;
  /** A console link per session, e.g. "https://appliance/#/sessions/{sessionId}". */
  readonly sessionUrlTemplate: string | undefined;
  /** The shared secret that signs HTTP webhook requests; undefined when the HTTP trigger is not set up. */
  readonly webhookSigning: SecretRef | undefined;
  /** Kept free at the end of every invocation so it can fail cleanly instead of being killed. */
  readonly deadlineMarginMs: number;
  /** The longest any single HTTP attempt may take. */
  readonly httpTimeoutMs: number;
  /** DynamoDB table of delivery records (exactly once per session, destination and outcome); in memory when unset. */
  readonly idempotencyTable: string | undefined;
  /** WEBHOOK_HOST_CHECK: destination URLs must be on their service's hosts (off for proxies; https is always required). */
  readonly webhookHostCheck: boolean;
  /** DynamoDB table of policy memories (streaks, baselines, Slack threads); in memory when unset. */
  readonly historyTable: string | undefined;
  /** DURATION_ANOMALY_FACTOR: a run this many times the median (or 1/factor of it) is called unusual. */
  readonly durationAnomalyFactor: number;
}

export interface PagerDutyConfig {
  readonly routingKey: SecretRef;
  readonly eventsUrl: string;
  /** "failures" (default): only failed sessions trigger; "problems": warnings trigger too. */
  readonly notifyOn: Exclude<NotifyOn, 'all' | 'changes'>;
}

export interface AlertingConfig {
  readonly slack: { readonly notifyOn: NotifyOn; readonly mention: string | undefined; readonly mentionOn: MentionOn };
  readonly teams: {
    readonly notifyOn: NotifyOn;
    readonly mention: TeamsMention | undefined;
    readonly mentionOn: MentionOn;
  };
  readonly generic: { readonly notifyOn: NotifyOn };
}
