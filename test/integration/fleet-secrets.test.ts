import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/notifier.ts';
import { type ApplianceEmulator, startApplianceEmulator } from '../../src/dev/appliance-emulator.ts';
import { startWebhookSink, type WebhookSink } from '../../src/dev/webhook-sink.ts';
import { ConfigError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { createRuntime } from '../../src/runtime.ts';
import { createHandler } from '../../src/triggers/router.ts';
import { lambdaContext } from '../support/lambda-context.ts';
import { rejection } from '../support/rejection.ts';
import { startSecretsManager, stubAwsEnv } from '../support/secrets-manager-server.ts';

const FLEET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:jsn/fleet-AbCdEf';
const ROUTES_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:jsn/routes-AbCdEf';
const TEAM_SLACK_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:jsn/routes/team-slack-AbCdEf';
const USER = { username: 'fleet-secret', password: 'fleet-secret-Passw0rd-9' };

const closers: (() => Promise<unknown>)[] = [];
stubAwsEnv();
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function start(secrets: (emulator: ApplianceEmulator, sink: WebhookSink) => Record<string, string>) {
  const [emulator, sink] = await Promise.all([startApplianceEmulator({ users: [USER] }), startWebhookSink()]);
  const manager = await startSecretsManager(secrets(emulator, sink));
  closers.push(
    () => emulator.close(),
    () => sink.close(),
    () => manager.close(),
  );
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', manager.url);
  const env = {
    APPLIANCES_SECRET_ARN: FLEET_ARN,
    ROUTES_SECRET_ARN: ROUTES_ARN,
    SLACK_WEBHOOK_URL: sink.urlFor('slack'),
  };
  const handler = createHandler(() => createRuntime(loadConfig(env), { logger: createLogger({ logLevel: 'SILENT' }) }));
  return { emulator, sink, manager, invoke: (event: unknown) => handler(event, lambdaContext(15_000)) };
}

describe('a fleet and its routes held in Secrets Manager', () => {
  it('reads the appliance list, the rules and a rule destination from their secrets, and routes by them', async () => {
    const f = await start((emulator, sink) => ({
      [FLEET_ARN]: JSON.stringify([
        { name: 'azure-prod', url: emulator.url, ...USER },
        { name: 'azure-test', url: emulator.url, ...USER },
      ]),
      [ROUTES_ARN]: JSON.stringify([{ match: { appliance: 'azure-prod' }, slack: { secretArn: TEAM_SLACK_ARN } }]),
      [TEAM_SLACK_ARN]: sink.urlFor('team'),
    }));

    await f.invoke({ appliance: 'azure-prod', sessionId: '77' });
    await f.invoke({ appliance: 'azure-test', sessionId: '77' });

    expect(f.sink.postsTo('team')).toHaveLength(1);
    expect(f.sink.postsTo('slack')).toHaveLength(1);
    expect(new Set(f.manager.calls)).toEqual(
      new Set([FLEET_ARN, ROUTES_ARN, TEAM_SLACK_ARN].map((arn) => `secretsmanager.GetSecretValue ${arn}`)),
    );
  });

  it('refuses a malformed list with an error naming the secret and the entry, never its password', async () => {
    const f = await start((emulator) => ({
      [FLEET_ARN]: JSON.stringify([{ name: 'azure-prod', url: emulator.url, password: USER.password }]),
      [ROUTES_ARN]: '[]',
    }));

    const error = await rejection(f.invoke({ appliance: 'azure-prod', sessionId: '77' }), ConfigError);

    expect(error.message).toContain(`secret ${FLEET_ARN} (APPLIANCES_SECRET_ARN)[0] "azure-prod": username is missing`);
    expect(error.message).not.toContain(USER.password);
    expect(f.emulator.requests).toHaveLength(0);
  });
});
