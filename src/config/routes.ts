import * as z from 'zod/mini';
import type { NotifyOn } from '../core/context.ts';
import type { RouteMatch } from '../core/routing.ts';
import { OutcomeSchema } from '../core/vocabulary.ts';
import { ConfigError } from '../errors.ts';
import { arn, issueText, parseConfigJson } from './env.ts';
import { type SecretRef, SLACK_MENTION, TEAMS_MENTION } from './notifier.ts';

/** One routing rule, validated: what it matches, where it delivers, and whether later rules may deliver too. */
export interface RouteRule {
  /** "route 2" (1-based position), or "route 2 (team-sql)" when the rule has a name: safe to log, part of delivery keys. */
  readonly label: string;
  readonly match: RouteMatch;
  readonly slack: SecretRef | undefined;
  readonly teams: SecretRef | undefined;
  readonly pagerduty: SecretRef | undefined;
  readonly generic: SecretRef | undefined;
  readonly notifyOn: NotifyOn | undefined;
  readonly slackMention: string | undefined;
  readonly teamsMention: { readonly id: string; readonly name: string } | undefined;
  readonly continue: boolean;
}

/** Where the rules come from: the configuration, or a Secrets Manager secret read at run time. */
export type RoutesRef =
  | { readonly kind: 'list'; readonly rules: readonly RouteRule[] }
  | { readonly kind: 'secret'; readonly arn: string };

const glob = z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(200, 'must be at most 200 characters'));
// "warnings" is how people say it; the outcome vocabulary says "warning".
const outcome = z.pipe(
  z.pipe(
    z.string(),
    z.transform((value) => (value === 'warnings' ? 'warning' : value)),
  ),
  z.enum(OutcomeSchema.options, {
    error: 'must be succeeded, warnings, failed, canceled or unreadable (or running, unknown, empty)',
  }),
);
// One outcome or a list: wrapped first, since a union would hide the outcome's message behind "Invalid input".
const outcomes = z.pipe(
  z.transform((value: unknown) => (Array.isArray(value) ? value : [value])),
  z.array(outcome).check(z.minLength(1, 'must name at least one outcome')),
);
const secretRef = z.strictObject({ secretArn: arn });
const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL or { "secretArn": "…" }' });
const routingKey = z
  .string()
  .check(z.regex(/^[A-Za-z0-9]{20,64}$/, 'must be a PagerDuty routing key or { "secretArn": "…" }'));

/**
 * One rule of ROUTES (or of the secret behind ROUTES_SECRET_ARN).
 * @example { "match": { "appliance": "azure-*", "policy": "SQL-*", "outcome": ["failed", "warnings"] },
 *   "slack": "https://hooks.slack.com/…", "pagerduty": { "secretArn": "arn:…" }, "notifyOn": "problems", "continue": false }
 */
const RuleSchema = z.strictObject({
  name: z.optional(z.string().check(z.regex(/^[\w .-]{1,40}$/, 'must be 1-40 letters, digits, spaces, _ . -'))),
  match: z._default(
    z.strictObject({ appliance: z.optional(glob), policy: z.optional(glob), outcome: z.optional(outcomes) }),
    {},
  ),
  slack: z.optional(z.union([url, secretRef])),
  teams: z.optional(z.union([url, secretRef])),
  pagerduty: z.optional(z.union([routingKey, secretRef])),
  generic: z.optional(z.union([url, secretRef])),
  notifyOn: z.optional(z.enum(['all', 'problems', 'failures'], { error: 'must be all, problems or failures' })),
  mention: z.optional(z.string()),
  continue: z._default(z.boolean({ error: 'must be true or false' }), false),
});
type Rule = z.infer<typeof RuleSchema>;

/** Parses the routing rules (`where`: "ROUTES" or the secret); each problem names the rule and field, never a value. */
export function parseRoutes(json: string, where: string): RouteRule[] {
  const raw = parseConfigJson(json, where);
  if (!Array.isArray(raw)) throw new ConfigError(`${where} must be a JSON array of rules ({ "match", "slack", … })`);
  const problems: string[] = [];
  const rules = raw.map((item, index) => {
    const label = `${where}[${index}]`;
    const parsed = RuleSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${label}: ${issueText(issue, 'rule')}`);
      return undefined;
    }
    const problem = ruleProblem(parsed.data);
    if (problem !== undefined) problems.push(`${label}: ${problem}`);
    return ruleFrom(parsed.data, index);
  });
  if (problems.length > 0) throw new ConfigError(`invalid ${where}: ${problems.slice(0, 10).join('; ')}`);
  return rules.filter((rule) => rule !== undefined);
}

function ruleProblem(rule: Rule): string | undefined {
  if (!rule.slack && !rule.teams && !rule.pagerduty && !rule.generic) {
    return 'no destination: set slack, teams, pagerduty and/or generic';
  }
  if (rule.mention !== undefined && !SLACK_MENTION.test(rule.mention) && !TEAMS_MENTION.test(rule.mention)) {
    return 'mention must be Slack mentions (<!subteam^S0123ABC>, <@U0123ABC>) or a Teams "UPN|Display Name"';
  }
  return undefined;
}

function ruleFrom(rule: Rule, index: number): RouteRule {
  const ref = (value: string | { secretArn: string } | undefined): SecretRef | undefined =>
    value === undefined
      ? undefined
      : typeof value === 'string'
        ? { kind: 'value', value }
        : { kind: 'secret', arn: value.secretArn };
  const [id = '', name = ''] =
    rule.mention !== undefined && TEAMS_MENTION.test(rule.mention) ? rule.mention.split('|') : [];
  return Object.freeze({
    label: `route ${index + 1}${rule.name ? ` (${rule.name})` : ''}`,
    match: {
      appliance: rule.match.appliance,
      policy: rule.match.policy,
      outcomes: rule.match.outcome,
    },
    slack: ref(rule.slack),
    teams: ref(rule.teams),
    pagerduty: ref(rule.pagerduty),
    generic: ref(rule.generic),
    notifyOn: rule.notifyOn,
    slackMention: rule.mention !== undefined && SLACK_MENTION.test(rule.mention) ? rule.mention : undefined,
    teamsMention: id ? { id, name: name.trim() } : undefined,
    continue: rule.continue,
  });
}

/** The routing rules from ROUTES or ROUTES_SECRET_ARN (both at once is refused); undefined when neither is set. */
export function routesRef(e: {
  readonly ROUTES?: string | undefined;
  readonly ROUTES_SECRET_ARN?: string | undefined;
}): RoutesRef | undefined {
  if (e.ROUTES && e.ROUTES_SECRET_ARN) {
    throw new ConfigError('contradictory configuration: set only one of ROUTES, ROUTES_SECRET_ARN');
  }
  if (e.ROUTES_SECRET_ARN) return { kind: 'secret', arn: e.ROUTES_SECRET_ARN };
  return e.ROUTES ? { kind: 'list', rules: parseRoutes(e.ROUTES, 'ROUTES') } : undefined;
}
