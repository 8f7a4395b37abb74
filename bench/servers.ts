// The local servers every benchmark talks to (appliance emulator, webhook sink, Secrets Manager, DynamoDB on dynalite),
// the recording proxies in front of them for the round-trip count, and the three configurations the children run with.
import { startApplianceEmulator } from '../src/dev/appliance-emulator.ts';
import { generateLogItems, SAMPLE_SESSIONS, sampleFromLog, sampleLog } from '../src/dev/sample-sessions.ts';
import { startWebhookSink } from '../src/dev/webhook-sink.ts';
import { startLocalDynamo } from '../test/support/dynamodb-local.ts';
import { startSecretsManager } from '../test/support/secrets-manager-server.ts';
import type { Setup } from './measure.ts';
import { startRecordingProxy, type Trip } from './trips.ts';

const USER = { username: 'bench', password: 'bench-Passw0rd-27182' };

/** Starts everything; `big` is the entry count of the big log, `latencyMs` each proxied hop's delay. */
export async function startServers(bigEntries: number, latencyMs: number) {
  // Copies of the seed session (77) under fresh IDs: each measured notification is for a session not seen before.
  const seedItems = sampleLog('77').log ?? [];
  const copies = Array.from({ length: 600 }, (_, i) =>
    sampleFromLog(String(770_000 + i), 'Nightly-Azure-VMs', seedItems.length, () => seedItems),
  );
  let next = 0;
  const bigItems = Array.from(generateLogItems(bigEntries, bigEntries));
  const emulator = await startApplianceEmulator({
    users: [USER],
    staticTokens: ['bench-static-token'],
    sessions: [
      ...SAMPLE_SESSIONS.values(),
      sampleFromLog(`${bigEntries}`, 'Large-Estate-VMs', bigEntries, () => bigItems),
      ...copies,
    ],
    cacheLogBodies: true,
  });
  const sink = await startWebhookSink();
  const dynamo = await startLocalDynamo();
  await dynamo.createTable('bench-deliveries');
  const arn = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-${name}`;
  const trips: Trip[] = [];
  const proxies = {
    appliance: await startRecordingProxy('appliance', emulator.url, latencyMs, trips),
    sink: await startRecordingProxy('sink', sink.url, latencyMs, trips),
    dynamodb: await startRecordingProxy('dynamodb', dynamo.endpoint, latencyMs, trips),
  };
  const secrets = await startSecretsManager({
    [arn('appliance')]: JSON.stringify(USER),
    [arn('slack')]: proxies.sink.url + new URL(sink.urlFor('slack')).pathname,
    [arn('teams')]: proxies.sink.url + new URL(sink.urlFor('teams')).pathname,
  });
  const secretsProxy = await startRecordingProxy('secrets', secrets.url, latencyMs, trips);
  // Each big body is serialised once up front, so the measured runs time the reader, not the emulator's JSON work.
  await (
    await fetch(`${emulator.url}/api/v1/jobSessions/${bigEntries}/log`, {
      headers: { authorization: 'Bearer bench-static-token' },
    })
  ).arrayBuffer();

  const failures: string[] = [];
  const setup: Setup = { emulator, sink, failures, freshSession: () => String(770_000 + (next++ % copies.length)) };
  const env = configurations(
    { emulator: emulator.url, sink: sink.url, sinkPath: (name) => new URL(sink.urlFor(name)).pathname },
    {
      appliance: proxies.appliance.url,
      sink: proxies.sink.url,
      dynamodb: proxies.dynamodb.url,
      secrets: secretsProxy.url,
    },
    arn,
  );

  return {
    setup,
    failures,
    trips,
    env,
    close: () =>
      Promise.all([
        emulator.close(),
        sink.close(),
        secrets.close(),
        dynamo.close(),
        secretsProxy.close(),
        ...Object.values(proxies).map((p) => p.close()),
      ]),
  };
}

/**
 * What the children run with: `direct` (password in the environment, straight to the servers), `local` (the same
 * through the proxies) and `deployed` (every secret behind an ARN, deliveries in DynamoDB, through the proxies).
 */
function configurations(
  urls: { emulator: string; sink: string; sinkPath: (name: string) => string },
  proxied: { appliance: string; sink: string; dynamodb: string; secrets: string },
  arn: (name: string) => string,
) {
  const direct = {
    BACKUP_API_URL: urls.emulator,
    BACKUP_API_USERNAME: USER.username,
    BACKUP_API_PASSWORD: USER.password,
    SLACK_WEBHOOK_URL: `${urls.sink}${urls.sinkPath('slack')}`,
    TEAMS_WEBHOOK_URL: `${urls.sink}${urls.sinkPath('teams')}`,
  };
  // The deployed shape: every secret in Secrets Manager, deliveries recorded in DynamoDB, the Lambda's function name
  // set (so the entry starts its build at import, as in the init phase); each hop delayed by the proxies.
  const deployed = {
    AWS_LAMBDA_FUNCTION_NAME: 'bench-notifier',
    BACKUP_API_URL: proxied.appliance,
    BACKUP_API_SECRET_ARN: arn('appliance'),
    SLACK_WEBHOOK_SECRET_ARN: arn('slack'),
    TEAMS_WEBHOOK_SECRET_ARN: arn('teams'),
    IDEMPOTENCY_TABLE: 'bench-deliveries',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: proxied.secrets,
    AWS_ENDPOINT_URL_DYNAMODB: proxied.dynamodb,
  };
  const local = {
    ...direct,
    BACKUP_API_URL: proxied.appliance,
    SLACK_WEBHOOK_URL: proxied.sink + urls.sinkPath('slack'),
    TEAMS_WEBHOOK_URL: proxied.sink + urls.sinkPath('teams'),
  };

  return { direct, local, deployed };
}
