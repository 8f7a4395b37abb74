import {
  type ApplianceConfig,
  type AppliancesRef,
  DEFAULT_APPLIANCE,
  type Product,
  parseAppliances,
} from '../config/appliances.ts';
import { isClearTextAppliance } from '../config/urls.ts';
import { TriggerError } from '../errors.ts';
import { createAgents, type HttpAgents } from '../http/client.ts';
import type { Log } from '../logger.ts';
import { hostOf } from '../redact.ts';
import { registerCredentials, resolveCredentials, type SecretReader } from '../secrets.ts';
import { type ApplianceClient, createApplianceClient } from './client.ts';

/** One appliance of the fleet, ready to call: its own client and token cache; a pool of its own only with its own trust. */
export interface FleetMember {
  readonly name: string;
  readonly product: Product;
  readonly client: ApplianceClient;
  /** How messages identify the appliance (PagerDuty source and dedup keys, generic `source.appliance`): the host for `default`, else the name. */
  readonly source: string;
  readonly sessionUrlTemplate: string | undefined;
  /** The appliance's address, linked from the digest when it has no session URL template. */
  readonly baseUrl: string;
}

/** Every appliance this deployment serves, looked up by name. */
export interface Fleet {
  members(): Promise<readonly FleetMember[]>;
  /** The appliance an event names; with one appliance the name may be left out. Throws TriggerError otherwise. */
  member(name: string | undefined): Promise<FleetMember>;
}

export interface FleetOptions {
  readonly secrets: SecretReader;
  readonly perAttemptTimeoutMs: number;
  readonly logger: Log;
  /** One transport for every appliance (tests, local runs); otherwise each appliance gets agents with its own TLS trust. */
  readonly agents?: HttpAgents | undefined;
}

/** The fleet from its configuration; a secret-held list is re-read through the secret cache and rebuilt when it changes. */
export function createFleet(ref: AppliancesRef, options: FleetOptions): Fleet {
  if (ref.kind === 'list') {
    // Built now, so its warnings (insecure TLS, clear-text http) are logged when the container starts.
    const members = buildMembers(ref.appliances, options);
    return fleetOf(async () => members);
  }
  let built: { text: string; members: Map<string, FleetMember> } | undefined;
  return fleetOf(async () => {
    const text = await options.secrets.getSecretString(ref.arn);
    if (built?.text !== text) {
      built = {
        text,
        members: buildMembers(parseAppliances(text, `secret ${ref.arn} (APPLIANCES_SECRET_ARN)`), options),
      };
    }
    return built.members;
  });
}

/** The Fleet over a loader of its members by name. */
function fleetOf(load: () => Promise<Map<string, FleetMember>>): Fleet {
  return {
    members: async () => [...(await load()).values()],
    async member(name) {
      const members = await load();
      if (name === undefined) {
        const [only] = members.values();
        if (members.size === 1 && only !== undefined) return only;
        throw new TriggerError(
          `the event must name its appliance ("appliance": "…"): this deployment serves ${members.size} appliances`,
        );
      }
      const found = members.get(name);
      if (found === undefined) {
        const known = [...members.keys()];
        throw new TriggerError(
          `unknown appliance "${name}": this deployment serves ${known.slice(0, 10).join(', ')}${known.length > 10 ? `, … (${known.length} in all)` : ''}`,
        );
      }
      return found;
    },
  };
}

function buildMembers(appliances: readonly ApplianceConfig[], options: FleetOptions): Map<string, FleetMember> {
  const shared = options.agents ?? createAgents();
  return new Map(
    appliances.map((appliance) => {
      registerCredentials(appliance.credentials);
      if (appliance.allowHttp && isClearTextAppliance(appliance.baseUrl)) {
        options.logger.warn(
          appliance.name === DEFAULT_APPLIANCE
            ? 'BACKUP_API_ALLOW_HTTP is true: the password grant and bearer token cross the network in clear'
            : `appliance ${appliance.name}: allowHttp is true: its password grant and bearer token cross the network in clear`,
        );
      }
      if (appliance.insecureTls) {
        options.logger.warn(
          appliance.name === DEFAULT_APPLIANCE
            ? 'BACKUP_API_INSECURE_TLS is true: the appliance certificate is NOT verified; prefer BACKUP_API_CA_CERT'
            : `appliance ${appliance.name}: insecureTls is true: its certificate is NOT verified; prefer caCert`,
        );
      }
      const ownTrust = appliance.caCertPem !== undefined || appliance.insecureTls;
      const agents =
        options.agents ??
        (ownTrust ? createAgents({ caCertPem: appliance.caCertPem, insecureTls: appliance.insecureTls }) : shared);
      const clientOptions = {
        product: appliance.product,
        baseUrl: appliance.baseUrl,
        // Undefined takes the product's default revision.
        apiVersion: appliance.version,
        credentials: () => resolveCredentials(appliance.credentials, options.secrets),
        agents,
        perAttemptTimeoutMs: options.perAttemptTimeoutMs,
        logger: options.logger,
      };
      const member: FleetMember = {
        name: appliance.name,
        product: appliance.product,
        client: createApplianceClient(clientOptions),
        source: appliance.name === DEFAULT_APPLIANCE ? hostOf(appliance.baseUrl) : appliance.name,
        sessionUrlTemplate: appliance.sessionUrlTemplate,
        baseUrl: appliance.baseUrl,
      };
      return [appliance.name, member];
    }),
  );
}
