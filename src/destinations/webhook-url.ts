import { isIP } from 'node:net';

/*
 * Where a notification may be posted. A webhook URL decides where the session's details (and, for PagerDuty, the
 * routing key) go, so a typo or a hostile value must not reach the instance metadata service, a plain-text hop or the
 * wrong chat service. Rules, in order (README, Security notes):
 *   1. Loopback addresses (localhost, 127.0.0.0/8, ::1) are local sinks: accepted as they are, http included.
 *   2. Link-local addresses (169.254.0.0/16 — the instance metadata service — and fe80::/10) are refused.
 *   3. Everything else must use https://.
 *   4. The host check (off with WEBHOOK_HOST_CHECK=off, for proxies): Slack URLs are hooks.slack.com (or
 *      hooks.slack-gov.com) /services/T…/B…/…, /workflows/T…/… or /triggers/T…/…; Teams URLs are Workflows / Power
 *      Automate hosts (*.logic.azure.com, *.logic.azure.us, *.api.powerplatform.com, *.api.powerplatform.us) or a
 *      legacy *.webhook.office.com connector; PagerDuty is events.pagerduty.com or events.eu.pagerduty.com.
 * Problems name the variable and the host, never the path or query (the secret part).
 */

/** Which destination a URL is for. */
export type DestinationKind = 'slack' | 'teams' | 'pagerduty' | 'generic';

/** The variable a destination's URL is configured in, for messages. */
export const URL_VARIABLE: Readonly<Record<DestinationKind, string>> = {
  slack: 'SLACK_WEBHOOK_URL',
  teams: 'TEAMS_WEBHOOK_URL',
  pagerduty: 'PAGERDUTY_EVENTS_URL',
  generic: 'GENERIC_WEBHOOK_URL',
};

const SLACK_HOSTS = ['hooks.slack.com', 'hooks.slack-gov.com'];
const SLACK_PATH = /^\/(?:services|workflows|triggers)\/T[A-Z0-9]+\/[\w/-]+$/;
const TEAMS_HOST_SUFFIXES = [
  '.logic.azure.com',
  '.logic.azure.us',
  '.api.powerplatform.com',
  '.api.powerplatform.us',
  '.webhook.office.com',
];
const PAGERDUTY_HOSTS = ['events.pagerduty.com', 'events.eu.pagerduty.com'];

/** The documented form of each destination's URL, as problems quote it. */
const EXPECTED: Readonly<Record<Exclude<DestinationKind, 'generic'>, string>> = {
  slack: 'a Slack incoming webhook, https://hooks.slack.com/services/T…/B…/…',
  teams: `a Teams Workflows (Power Automate) webhook on ${TEAMS_HOST_SUFFIXES.map((s) => `*${s}`).join(', ')}`,
  pagerduty: `the Events API v2 endpoint on ${PAGERDUTY_HOSTS.join(' or ')}`,
};

/** Whether `hostname` (as URL.hostname gives it: IPv6 in brackets) is this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

function isLinkLocal(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(host) === 4) return host.startsWith('169.254.');
  return isIP(host) === 6 && /^fe[89ab]/.test(host);
}

const isSlackHost = (host: string): boolean => SLACK_HOSTS.includes(host);
const isTeamsHost = (host: string): boolean => TEAMS_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix));

/**
 * Why `url` cannot be the `kind` destination, or undefined when it can. Never quotes the path or query.
 * @example destinationUrlProblem('teams', 'https://hooks.slack.com/services/…', { hostCheck: true }) // "… looks like a Slack webhook …"
 */
export function destinationUrlProblem(
  kind: DestinationKind,
  url: string,
  options: { readonly hostCheck: boolean },
): string | undefined {
  const variable = URL_VARIABLE[kind];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${variable} must be a URL`;
  }
  const host = parsed.hostname.toLowerCase();
  if (isLoopbackHost(host)) return undefined;
  if (isLinkLocal(host)) return `${variable} must not point at a link-local address (${host}, e.g. instance metadata)`;
  if (parsed.protocol !== 'https:') {
    return `${variable} must use https:// (only loopback addresses such as 127.0.0.1 may use http://)`;
  }
  if (!options.hostCheck || kind === 'generic') return undefined;
  return hostProblem(kind, variable, host, parsed.pathname);
}

function hostProblem(
  kind: Exclude<DestinationKind, 'generic'>,
  variable: string,
  host: string,
  path: string,
): string | undefined {
  const turnOff = 'set WEBHOOK_HOST_CHECK=off only if a proxy stands in between';
  if (kind === 'slack' && isTeamsHost(host)) {
    return `${variable} looks like a Teams webhook (${host}); it belongs in TEAMS_WEBHOOK_URL`;
  }
  if (kind === 'teams' && isSlackHost(host)) {
    return `${variable} looks like a Slack webhook (${host}); it belongs in SLACK_WEBHOOK_URL`;
  }
  const fits =
    kind === 'slack'
      ? isSlackHost(host) && SLACK_PATH.test(path)
      : kind === 'teams'
        ? isTeamsHost(host)
        : PAGERDUTY_HOSTS.includes(host);
  return fits ? undefined : `${variable} must be ${EXPECTED[kind]} (got host ${host}; ${turnOff})`;
}

/** Every problem with the configured destination URLs (undefined ones are skipped), each naming its variable. */
export function destinationUrlProblems(
  urls: Readonly<Partial<Record<DestinationKind, string | undefined>>>,
  hostCheck: boolean,
): string[] {
  return Object.entries(urls).flatMap(([kind, url]) =>
    url === undefined ? [] : (destinationUrlProblem(kind as DestinationKind, url, { hostCheck }) ?? []),
  );
}
