import { destinationUrlProblems, isLoopbackHost } from '../destinations/webhook-url.ts';

/** BACKUP_API_URL as every path expects it: no trailing slash and no trailing `/api` (each path adds its own). */
export function applianceBaseUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/api$/i, '');
}

/** Why BACKUP_API_URL cannot be used as given, or undefined: plain http:// would carry credentials in clear. */
export function applianceUrlProblem(url: string, allowHttp: boolean): string | undefined {
  const parsed = new URL(url);
  if (parsed.protocol === 'https:' || allowHttp || isLoopbackHost(parsed.hostname)) return undefined;
  return 'BACKUP_API_URL uses http://: the password grant and the bearer token would cross the network in clear; use https:// (BACKUP_API_CA_CERT trusts a self-signed appliance), or set BACKUP_API_ALLOW_HTTP=true to accept the risk';
}

/** Whether the runtime should warn that the appliance is reached over plain http to a host other than this one. */
export function isClearTextAppliance(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname);
}

/** Every problem with the configured URLs: the appliance's and each destination's, each naming its variable. */
export function configuredUrlProblems(e: {
  readonly BACKUP_API_URL?: string | undefined;
  readonly BACKUP_API_ALLOW_HTTP: boolean;
  readonly SLACK_WEBHOOK_URL?: string | undefined;
  readonly TEAMS_WEBHOOK_URL?: string | undefined;
  readonly GENERIC_WEBHOOK_URL?: string | undefined;
  readonly PAGERDUTY_EVENTS_URL: string;
  readonly WEBHOOK_HOST_CHECK: 'on' | 'off';
}): string[] {
  // A fleet (APPLIANCES) has no BACKUP_API_URL: its entries' URLs are checked where the list is parsed.
  const appliance =
    e.BACKUP_API_URL === undefined ? undefined : applianceUrlProblem(e.BACKUP_API_URL, e.BACKUP_API_ALLOW_HTTP);
  const destinations = destinationUrlProblems(
    {
      slack: e.SLACK_WEBHOOK_URL,
      teams: e.TEAMS_WEBHOOK_URL,
      generic: e.GENERIC_WEBHOOK_URL,
      pagerduty: e.PAGERDUTY_EVENTS_URL,
    },
    e.WEBHOOK_HOST_CHECK === 'on',
  );
  return [...(appliance ? [appliance] : []), ...destinations];
}
