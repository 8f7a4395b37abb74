// `npm run routes -- --appliance azure-prod --policy SQL-Nightly --outcome failed`: a dry run of ROUTES. Prints which
// rules match and where the message would go (hosts only: webhook paths and keys are secrets), and nothing is sent.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SecretRef } from '../config/notifier.ts';
import { loadConfig } from '../config/notifier.ts';
import { parseRoutes, type RouteRule } from '../config/routes.ts';
import { meetsThreshold, type NotifyOn } from '../core/context.ts';
import { chooseRoutes, ruleMatches } from '../core/routing.ts';
import { type Outcome, OutcomeSchema } from '../core/vocabulary.ts';
import { hostOf } from '../redact.ts';

const USAGE = `usage: npm run routes -- --appliance <name> [--policy <job name>] --outcome <succeeded|warnings|failed|canceled|unreadable>
                      [--routes <file.json>]   (default: ROUTES from the environment)`;

function fail(message: string): never {
  console.error(`routes: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

let values: { appliance?: string; policy?: string; outcome?: string; routes?: string; help?: boolean };
try {
  values = parseArgs({
    options: {
      appliance: { type: 'string' },
      policy: { type: 'string' },
      outcome: { type: 'string' },
      routes: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const appliance = values.appliance ?? fail('--appliance is required');
const outcomeText = values.outcome === 'warnings' ? 'warning' : (values.outcome ?? fail('--outcome is required'));
const outcome = OutcomeSchema.safeParse(outcomeText);
if (!outcome.success) fail(`--outcome must be one of succeeded, warnings, failed, canceled, unreadable`);

// The dry run needs the routes and the global destinations only: a placeholder appliance stands in when none is set.
const env = { ...process.env };
const placeholder = !env.APPLIANCES && !env.APPLIANCES_SECRET_ARN && !env.BACKUP_API_URL;
if (placeholder) {
  Object.assign(env, { BACKUP_API_URL: 'https://placeholder.invalid', BACKUP_API_TOKEN: 'placeholder' });
}
let rules: readonly RouteRule[];
let config: ReturnType<typeof loadConfig>;
try {
  if (values.routes) env.ROUTES = readFileSync(values.routes, 'utf8');
  config = loadConfig(env);
  if (config.routes?.kind === 'secret')
    fail('ROUTES_SECRET_ARN is set: put the rules in a file and pass --routes <file>');
  rules = config.routes?.rules ?? (values.routes ? parseRoutes(env.ROUTES ?? '', values.routes) : []);
} catch (error) {
  console.error(`routes: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const facts = { appliance, policy: values.policy ?? null, outcome: outcome.data };
const known = !placeholder && config.appliances.kind === 'list' ? config.appliances.appliances.map((a) => a.name) : [];
if (known.length > 0 && !known.includes(appliance))
  console.log(`note: "${appliance}" is not in APPLIANCES (${known.join(', ')})`);

const choice = chooseRoutes(rules, facts);
console.log(`appliance ${appliance}, policy ${values.policy ?? '(unknown)'}, outcome ${outcome.data}:`);
rules.forEach((rule, index) => {
  const matches = ruleMatches(rule.match, facts);
  const delivers = choice.rules.includes(index);
  const state = delivers
    ? 'delivers'
    : matches
      ? 'matches, but an earlier rule without "continue" stopped the walk'
      : 'no match';
  console.log(`  ${rule.label}: ${state}${rule.continue ? ' (continue)' : ''}`);
});
if (rules.length === 0) console.log('  no ROUTES rules');
const where = choice.usesDefault
  ? [{ label: 'default route (global destinations)', ...globalTargets() }]
  : choice.rules.flatMap((i) => (rules[i] ? [{ ...rules[i], label: rules[i].label }] : []));
console.log('a message would go to:');
let any = false;
for (const target of where) {
  for (const [kind, ref, notifyOn] of [
    ['slack', target.slack, target.notifyOn ?? config.alerting.slack.notifyOn],
    ['teams', target.teams, target.notifyOn ?? config.alerting.teams.notifyOn],
    ['pagerduty', target.pagerduty, target.notifyOn ?? config.pagerduty?.notifyOn ?? 'failures'],
    ['generic', target.generic, target.notifyOn ?? config.alerting.generic.notifyOn],
  ] as const) {
    if (ref === undefined) continue;
    any = true;
    const posts =
      kind === 'pagerduty'
        ? facts.outcome === 'failed' || (notifyOn === 'problems' && facts.outcome === 'warning')
        : meetsThreshold(severityOf(facts.outcome), notifyOn as NotifyOn);
    console.log(
      `  ${target.label}: ${kind} → ${describe(ref)}, notifyOn ${notifyOn}: ${posts ? 'posts' : 'skips this outcome'}`,
    );
  }
}
if (!any) console.log('  nowhere: no rule matched and no global destination is set');

function globalTargets() {
  return {
    slack: config.slack,
    teams: config.teams,
    pagerduty: config.pagerduty?.routingKey,
    generic: config.generic,
    notifyOn: undefined,
  };
}

function describe(ref: SecretRef): string {
  if (ref.kind === 'secret') return `secret ${ref.arn}`;
  return /^https?:/.test(ref.value) ? hostOf(ref.value) : 'routing key (set)';
}

function severityOf(o: Outcome) {
  const map = {
    succeeded: 'success',
    warning: 'warning',
    failed: 'failed',
    canceled: 'canceled',
    running: 'running',
    unknown: 'unknown',
    unreadable: 'unknown',
    empty: null,
  } as const;
  return map[o];
}
