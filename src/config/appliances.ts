import * as z from 'zod/mini';
import { API_VERSION_FORMAT, type Product, ProductSchema } from '../appliance/dialects/index.ts';
import { ConfigError } from '../errors.ts';
import { issueText, parseConfigJson } from './env.ts';
import type { CredentialsRef } from './notifier.ts';
import { applianceBaseUrl, isClearTextAppliance } from './urls.ts';

/** The appliance families the notifier reads (each with its own REST dialect). */
export const PRODUCTS = ProductSchema.options;

export { DEFAULT_APPLIANCE } from '../core/summary.ts';
export type { Product };

/** An appliance name: what events, routes, logs and every per-appliance key use. */
export const APPLIANCE_NAME = /^[a-z0-9-]{1,40}$/;

/** One appliance of the fleet, validated. */
export interface ApplianceConfig {
  readonly name: string;
  readonly product: Product;
  readonly baseUrl: string;
  /** The API version as the product spells it; undefined takes the product's default. */
  readonly version: string | undefined;
  readonly credentials: CredentialsRef;
  readonly caCertPem: string | undefined;
  readonly insecureTls: boolean;
  /** Plain http:// to a remote appliance was accepted (credentials in clear; warned at start). */
  readonly allowHttp: boolean;
  /** A console link per session (`{sessionId}`), for this appliance's messages and digest lines. */
  readonly sessionUrlTemplate: string | undefined;
}

/** Where the fleet comes from: listed in the configuration, or a Secrets Manager secret read at run time. */
export type AppliancesRef =
  | { readonly kind: 'list'; readonly appliances: readonly ApplianceConfig[] }
  | { readonly kind: 'secret'; readonly arn: string };

const nonEmpty = z.string().check(z.trim(), z.minLength(1, 'must not be empty'));

/**
 * One entry of APPLIANCES (or of the secret behind APPLIANCES_SECRET_ARN); unknown fields are typos and refused.
 * @example { "name": "azure-prod", "product": "azure", "url": "https://backup.example.com", "version": "v8.1",
 *   "username": "notifier", "password": "…", "caCert": "-----BEGIN CERTIFICATE-----…", "sessionUrlTemplate": "…" }
 */
const EntrySchema = z.strictObject({
  name: z.string().check(z.regex(APPLIANCE_NAME, 'must be 1-40 characters of a-z, 0-9 and -')),
  product: z._default(z.enum(PRODUCTS, { error: `must be one of ${PRODUCTS.join(', ')}` }), 'azure'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  version: z.optional(z.string().check(z.regex(/^[\w.-]{1,20}$/, 'must look like v1, v8.1 or 1.2-rev0'))),
  token: z.optional(nonEmpty),
  username: z.optional(nonEmpty),
  password: z.optional(nonEmpty),
  caCert: z.optional(z.string().check(z.includes('-----BEGIN CERTIFICATE-----', 'must be a PEM certificate'))),
  insecureTls: z.optional(z.boolean({ error: 'must be true or false' })),
  allowHttp: z.optional(z.boolean({ error: 'must be true or false' })),
  sessionUrlTemplate: z.optional(
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .check(z.includes('{sessionId}', 'must contain {sessionId}')),
  ),
});
type Entry = z.infer<typeof EntrySchema>;

/**
 * Parses the fleet's JSON (`where` names its origin: "APPLIANCES" or the secret). Every problem names the entry (by
 * name when it has a valid one, else by position) and the field, never a value: entries hold passwords and tokens.
 */
export function parseAppliances(json: string, where: string): ApplianceConfig[] {
  const raw = parseConfigJson(json, where);
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ConfigError(`${where} must be a non-empty JSON array of appliances ({ "name", "url", … })`);
  }
  const problems: string[] = [];
  const parsed = raw.map((item, index) => {
    const label = entryLabel(where, item, index);
    const result = EntrySchema.safeParse(item);
    if (!result.success) {
      problems.push(...result.error.issues.map((issue) => `${label}: ${issueText(issue, 'entry')}`));
      return undefined;
    }
    try {
      return applianceFrom(result.data);
    } catch (error) {
      problems.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  });
  const seen = new Set<string>();
  for (const entry of parsed) {
    if (entry === undefined) continue;
    if (seen.has(entry.name)) problems.push(`${where}: the name "${entry.name}" is used twice (names must be unique)`);
    seen.add(entry.name);
  }
  if (problems.length > 0) throw new ConfigError(`invalid ${where}: ${problems.slice(0, 10).join('; ')}`);
  return parsed.filter((entry) => entry !== undefined);
}

function entryLabel(where: string, item: unknown, index: number): string {
  const name = typeof item === 'object' && item !== null && 'name' in item ? item.name : undefined;
  return typeof name === 'string' && APPLIANCE_NAME.test(name) ? `${where}[${index}] "${name}"` : `${where}[${index}]`;
}

function applianceFrom(entry: Entry): ApplianceConfig {
  return Object.freeze({
    name: entry.name,
    product: entry.product,
    baseUrl: checkedUrl(entry),
    version: checkedVersion(entry),
    credentials: credentialsOf(entry),
    caCertPem: entry.caCert,
    insecureTls: entry.insecureTls ?? false,
    allowHttp: entry.allowHttp ?? false,
    sessionUrlTemplate: entry.sessionUrlTemplate,
  });
}

function checkedVersion(entry: Entry): string | undefined {
  const format = API_VERSION_FORMAT[entry.product];
  if (entry.version !== undefined && !format.pattern.test(entry.version)) {
    throw new Error(`version must look like ${format.example} for product ${entry.product}`);
  }
  return entry.version;
}

function checkedUrl(entry: Entry): string {
  if (isClearTextAppliance(entry.url) && entry.allowHttp !== true) {
    throw new Error(
      'url uses http://: the credentials would cross the network in clear; use https:// (caCert trusts a self-signed appliance), or set "allowHttp": true',
    );
  }
  return applianceBaseUrl(entry.url);
}

function credentialsOf(entry: Entry): CredentialsRef {
  const hasAccount = entry.username !== undefined || entry.password !== undefined;
  if (entry.token !== undefined && hasAccount) {
    throw new Error('set either token, or username and password, not both');
  }
  if (entry.token !== undefined) return { kind: 'token', token: entry.token };
  if (!hasAccount) throw new Error('credentials are missing: set token, or username and password');
  if (entry.username === undefined) throw new Error('username is missing (password is set)');
  if (entry.password === undefined) throw new Error('password is missing (username is set)');
  return { kind: 'password', username: entry.username, password: entry.password };
}

/** The fleet from APPLIANCES / APPLIANCES_SECRET_ARN, or the single appliance of the BACKUP_API_* variables. */
export function appliancesRef(
  e: { readonly APPLIANCES?: string | undefined; readonly APPLIANCES_SECRET_ARN?: string | undefined },
  single: ApplianceConfig | undefined,
): AppliancesRef {
  if (e.APPLIANCES_SECRET_ARN) return { kind: 'secret', arn: e.APPLIANCES_SECRET_ARN };
  if (e.APPLIANCES) return { kind: 'list', appliances: parseAppliances(e.APPLIANCES, 'APPLIANCES') };
  if (single === undefined) throw new ConfigError('no appliance configured');
  return { kind: 'list', appliances: [Object.freeze(single)] };
}
