import { afterEach, describe, expect, it, vi } from 'vitest';
import { startApplianceEmulator } from '../../src/dev/appliance-emulator.ts';
import { startWebhookSink } from '../../src/dev/webhook-sink.ts';
import { SecretError } from '../../src/errors.ts';
import { type Harness, PASSWORD, startHarness, USERNAME } from '../support/harness.ts';
import { lambdaContext } from '../support/lambda-context.ts';
import { rejection } from '../support/rejection.ts';
import { startSecretsManager, stubAwsEnv } from '../support/secrets-manager-server.ts';

const APPLIANCE_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:notifier/appliance-AbCdEf';
const SLACK_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:notifier/slack-AbCdEf';

let harness: Harness | undefined;
let secretsManager: Awaited<ReturnType<typeof startSecretsManager>> | undefined;

stubAwsEnv();

afterEach(async () => {
  await harness?.close();
  await secretsManager?.close();
  harness = undefined;
  secretsManager = undefined;
});

/** A harness whose credentials and Slack URL live in a local Secrets Manager reached through the SDK's standard variable. */
async function startWithSecrets(secrets: (sinkSlackUrl: string) => Record<string, string>): Promise<Harness> {
  // The sink URL is only known once the harness runs; the secret server reads the map lazily.
  const values: Record<string, string> = {};
  secretsManager = await startSecretsManager(values);
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', secretsManager.url);
  harness = await startHarness({
    BACKUP_API_USERNAME: undefined,
    BACKUP_API_PASSWORD: undefined,
    BACKUP_API_SECRET_ARN: APPLIANCE_ARN,
    SLACK_WEBHOOK_URL: undefined,
    SLACK_WEBHOOK_SECRET_ARN: SLACK_ARN,
  });
  Object.assign(values, secrets(harness.sink.urlFor('slack')));
  return harness;
}

describe('credentials and webhooks from AWS Secrets Manager', () => {
  it('reads each secret once per container with the real SDK client and posts with them', async () => {
    const h = await startWithSecrets((slackUrl) => ({
      [APPLIANCE_ARN]: JSON.stringify({ username: USERNAME, password: PASSWORD }),
      [SLACK_ARN]: slackUrl,
    }));

    await h.invoke({ sessionId: '38' });
    await h.invoke({ sessionId: '77' });

    expect(secretsManager?.calls.sort()).toEqual([
      `secretsmanager.GetSecretValue ${APPLIANCE_ARN}`,
      `secretsmanager.GetSecretValue ${SLACK_ARN}`,
    ]);
    expect(h.sink.postsTo('slack')).toHaveLength(2);
    expect(h.emulator.requestsTo('token')).toHaveLength(1);
    expect(h.output.join('')).not.toContain(PASSWORD);
  });

  it('asks for every configured secret at once, so a cold notification waits for one Secrets Manager round trip', async () => {
    const TEAMS_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:notifier/teams-AbCdEf';
    const values: Record<string, string> = {};
    secretsManager = await startSecretsManager(values, { holdFor: 3 });
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', secretsManager.url);
    const h = await startHarness({
      BACKUP_API_USERNAME: undefined,
      BACKUP_API_PASSWORD: undefined,
      BACKUP_API_SECRET_ARN: APPLIANCE_ARN,
      SLACK_WEBHOOK_URL: undefined,
      SLACK_WEBHOOK_SECRET_ARN: SLACK_ARN,
      TEAMS_WEBHOOK_URL: undefined,
      TEAMS_WEBHOOK_SECRET_ARN: TEAMS_ARN,
    });
    harness = h;
    Object.assign(values, {
      [APPLIANCE_ARN]: JSON.stringify({ username: USERNAME, password: PASSWORD }),
      [SLACK_ARN]: h.sink.urlFor('slack'),
      [TEAMS_ARN]: h.sink.urlFor('teams'),
    });

    await h.invoke({ sessionId: '38' });

    expect(secretsManager.mostInFlight).toBe(3);
    expect(secretsManager.calls).toHaveLength(3);
    expect(h.sink.postsTo('slack')).toHaveLength(1);
    expect(h.sink.postsTo('teams')).toHaveLength(1);
  });

  it('in Lambda, starts fetching the secrets while the entry module loads, before the first invocation', async () => {
    const emulator = await startApplianceEmulator({ users: [{ username: USERNAME, password: PASSWORD }] });
    const sink = await startWebhookSink();
    secretsManager = await startSecretsManager({
      [APPLIANCE_ARN]: JSON.stringify({ username: USERNAME, password: PASSWORD }),
      [SLACK_ARN]: sink.urlFor('slack'),
    });
    const server = secretsManager;
    for (const [name, value] of Object.entries({
      AWS_LAMBDA_FUNCTION_NAME: 'job-session-notifier-test',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: server.url,
      BACKUP_API_URL: emulator.url,
      BACKUP_API_SECRET_ARN: APPLIANCE_ARN,
      SLACK_WEBHOOK_SECRET_ARN: SLACK_ARN,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    }))
      vi.stubEnv(name, value);
    try {
      vi.resetModules();
      const { handler } = await import('../../src/handler.ts');
      await vi.waitFor(() => expect(server.calls).toHaveLength(2), { timeout: 5_000 });

      await handler({ sessionId: '38' }, lambdaContext());

      expect(sink.postsTo('slack')).toHaveLength(1);
      expect(server.calls).toHaveLength(2);
    } finally {
      await Promise.all([emulator.close(), sink.close()]);
    }
  });

  it('accepts a token secret', async () => {
    const h = await startWithSecrets((slackUrl) => ({
      [APPLIANCE_ARN]: JSON.stringify({ token: 'not-a-valid-token-but-secret' }),
      [SLACK_ARN]: slackUrl,
    }));

    const result = await h.invoke({ sessionId: '38' });

    // The emulator does not know this static token: the alert says so instead of going silent.
    expect(result).toMatchObject({ outcome: 'unreadable', problem: { failure: 'auth-failed', statusCode: 401 } });
    expect(h.emulator.requestsTo('token')).toHaveLength(0);
    expect(h.output.join('')).not.toContain('not-a-valid-token-but-secret');
  });

  it('fails with an error naming the variable, not the value, when the secret has the wrong shape', async () => {
    const h = await startWithSecrets((slackUrl) => ({
      [APPLIANCE_ARN]: '{"user":"x","pass":"hunter2-value"}',
      [SLACK_ARN]: slackUrl,
    }));

    const error = await rejection(h.invoke({ sessionId: '38' }), SecretError);

    expect(error.message).toContain('BACKUP_API_SECRET_ARN');
    expect(error.message).not.toContain('hunter2-value');
    expect(h.sink.posts).toHaveLength(0);
  });

  it('fails naming the secret ARN when it does not exist, and reads it again on the next invocation', async () => {
    const h = await startWithSecrets(() => ({}));

    const first = await rejection(h.invoke({ sessionId: '38' }), SecretError);

    expect(first.message).toContain(APPLIANCE_ARN);
    await h.invoke({ sessionId: '38' }).catch(() => undefined);
    expect(secretsManager?.calls.filter((c) => c.includes(APPLIANCE_ARN)).length).toBeGreaterThanOrEqual(2);
  });
});

describe('TLS opt-out', () => {
  it('logs a warning when BACKUP_API_INSECURE_TLS is true', async () => {
    harness = await startHarness({ BACKUP_API_INSECURE_TLS: 'true' });

    await harness.invoke({ sessionId: '38' });

    expect(harness.output.join('')).toContain('BACKUP_API_INSECURE_TLS is true');
  });

  describe('the PagerDuty routing key', () => {
    const PAGERDUTY_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:notifier/pagerduty-AbCdEf';
    const KEY = 'R0uting0Key0FromSecret0123456789';

    async function startWithRoutingKey(secretString: string): Promise<Harness> {
      secretsManager = await startSecretsManager({ [PAGERDUTY_ARN]: secretString });
      vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', secretsManager.url);
      harness = await startHarness((sink) => ({
        PAGERDUTY_ROUTING_KEY_SECRET_ARN: PAGERDUTY_ARN,
        PAGERDUTY_EVENTS_URL: `${sink.url}/pagerduty/v2/enqueue`,
      }));
      return harness;
    }

    it('is read from its secret (plain text, trimmed), sent to PagerDuty and never logged', async () => {
      const h = await startWithRoutingKey(`${KEY}\n`);

      await h.invoke({ sessionId: '77' });

      expect(h.sink.postsTo('pagerduty')[0]?.json).toMatchObject({ routing_key: KEY, event_action: 'trigger' });
      expect(h.output.join('')).not.toContain(KEY);
    });

    it('fails naming the variable, not the value, when the secret holds something else', async () => {
      const h = await startWithRoutingKey('{"routing_key":"R0uting0Key0FromSecret0123456789"}');

      const error = await rejection(h.invoke({ sessionId: '77' }));

      expect(error.message).toContain('PAGERDUTY_ROUTING_KEY_SECRET_ARN');
      expect((error as Error).message).not.toContain(KEY);
      expect(h.output.join('')).not.toContain(KEY);
    });
  });
});
