// What a local run (npm start, npm run invoke, the local watcher) uses: the user's variables where they name a real
// service, the embedded emulator and webhook sink for the rest, and never a real service the user did not name.
import { ConfigError } from '../errors.ts';

export type DestinationName = 'slack' | 'teams' | 'pagerduty' | 'generic';

/** Where one destination's messages go in a local run. */
export interface LocalDestination {
  readonly name: DestinationName;
  /** real: a URL or secret the user gave; local: the embedded sink or a loopback URL the user gave. */
  readonly where: 'real' | 'local';
  /** The variable to point at the sink, when the sink stands in for it. */
  readonly sinkVariable: string | undefined;
}

/** Which parts of a local run are real and which are embedded, decided from the user's variables alone. */
export interface LocalPlan {
  /** The user's variables (blank ones dropped): every name reaches the config, so a typo is reported as in Lambda. */
  readonly user: Readonly<Record<string, string>>;
  readonly appliance: 'real' | 'emulator';
  readonly destinations: readonly LocalDestination[];
}

const CREDENTIAL_VARIABLES = [
  'BACKUP_API_TOKEN',
  'BACKUP_API_USERNAME',
  'BACKUP_API_PASSWORD',
  'BACKUP_API_SECRET_ARN',
];

/** True for an http(s) URL whose host is this machine, so posting there reaches nothing outside it. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

function destination(name: DestinationName, user: Readonly<Record<string, string>>): LocalDestination | undefined {
  const prefix = name === 'pagerduty' ? 'PAGERDUTY_ROUTING_KEY' : `${name.toUpperCase()}_WEBHOOK`;
  const arn = user[`${prefix}_SECRET_ARN`];
  const value = user[name === 'pagerduty' ? prefix : `${prefix}_URL`];
  if (arn === undefined && value === undefined) return undefined;
  if (name === 'pagerduty') {
    // A routing key alone would post to the real PagerDuty: only an explicit events URL may send it there.
    const url = user.PAGERDUTY_EVENTS_URL;
    if (url === undefined) return { name, where: 'local', sinkVariable: 'PAGERDUTY_EVENTS_URL' };
    return { name, where: isLoopbackUrl(url) ? 'local' : 'real', sinkVariable: undefined };
  }
  const local = arn === undefined && value !== undefined && isLoopbackUrl(value);
  return { name, where: local ? 'local' : 'real', sinkVariable: undefined };
}

/**
 * Decides a local run from `env`. Credentials without BACKUP_API_URL are refused: they belong to a real appliance,
 * and the emulator's own must never be mixed with them.
 */
export function planLocalRun(env: Readonly<Record<string, string | undefined>>): LocalPlan {
  const user = Object.fromEntries(
    Object.entries(env).flatMap(([key, value]) => (value === undefined || value === '' ? [] : [[key, value]])),
  );
  const appliance = user.BACKUP_API_URL === undefined ? 'emulator' : 'real';
  const credentials = CREDENTIAL_VARIABLES.filter((key) => user[key] !== undefined);
  if (appliance === 'emulator' && credentials.length > 0) {
    throw new ConfigError(
      `BACKUP_API_URL is missing: ${credentials.join(', ')} ${credentials.length > 1 ? 'are' : 'is'} set for a real ` +
        `appliance; set BACKUP_API_URL to its address, or unset ${credentials.length > 1 ? 'them' : 'it'} to use the local emulator`,
    );
  }
  const named = (['slack', 'teams', 'pagerduty', 'generic'] as const).flatMap((name) => destination(name, user) ?? []);
  const destinations: LocalDestination[] =
    named.length > 0
      ? named
      : [
          { name: 'slack', where: 'local', sinkVariable: 'SLACK_WEBHOOK_URL' },
          { name: 'teams', where: 'local', sinkVariable: 'TEAMS_WEBHOOK_URL' },
        ];
  return { user, appliance, destinations };
}

/** True when some destination posts to the embedded sink. */
export const needsSink = (plan: LocalPlan): boolean => plan.destinations.some((d) => d.sinkVariable !== undefined);

/** The environment for the config: the stand-ins' variables under the user's own. */
export function localEnv(
  plan: LocalPlan,
  standIns: {
    readonly appliance?: { readonly url: string; readonly username: string; readonly password: string };
    readonly sinkUrlFor?: (name: string) => string;
    readonly extra?: Readonly<Record<string, string>>;
  },
): Record<string, string> {
  const { appliance, sinkUrlFor } = standIns;
  return {
    ...(plan.appliance === 'emulator' && appliance
      ? {
          BACKUP_API_URL: appliance.url,
          BACKUP_API_USERNAME: appliance.username,
          BACKUP_API_PASSWORD: appliance.password,
        }
      : {}),
    ...Object.fromEntries(
      plan.destinations.flatMap((d) => (d.sinkVariable && sinkUrlFor ? [[d.sinkVariable, sinkUrlFor(d.name)]] : [])),
    ),
    ...standIns.extra,
    ...plan.user,
  };
}

/** "slack real, teams local sink": each destination and where its messages go, for the banner. */
export function describeDestinations(plan: LocalPlan): string {
  return plan.destinations
    .map((d) => {
      if (d.where === 'real') return `${d.name} real`;
      if (d.sinkVariable === undefined) return `${d.name} local (loopback URL)`;
      return d.name === 'pagerduty' ? 'pagerduty local sink (PAGERDUTY_EVENTS_URL is not set)' : `${d.name} local sink`;
    })
    .join(', ');
}
