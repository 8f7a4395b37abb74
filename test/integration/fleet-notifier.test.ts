import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/notifier.ts';
import { type ApplianceEmulator, startApplianceEmulator } from '../../src/dev/appliance-emulator.ts';
import { signHttpEvent } from '../../src/dev/http-event.ts';
import { startWebhookSink, type WebhookSink } from '../../src/dev/webhook-sink.ts';
import { TriggerError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { createRuntime } from '../../src/runtime.ts';
import { createHandler } from '../../src/triggers/router.ts';
import { loadEvent } from '../support/events.ts';
import { lambdaContext } from '../support/lambda-context.ts';
import { rejection } from '../support/rejection.ts';

const USER = { username: 'fleet', password: 'fleet-Passw0rd-16180' };
const SIGNING = 'fleet-signing-secret-0123456789';
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdef';

interface Fleet {
  readonly prod: ApplianceEmulator;
  readonly west: ApplianceEmulator;
  readonly sink: WebhookSink;
  invoke(event: unknown): Promise<unknown>;
}

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0)) await close();
});

/** Two emulated appliances, azure-prod and azure-west (each serving the same sample session IDs), and one sink. */
async function startFleet(extra: (sink: WebhookSink) => Record<string, string> = () => ({})): Promise<Fleet> {
  const [prod, west, sink] = await Promise.all([
    startApplianceEmulator({ users: [USER] }),
    startApplianceEmulator({ users: [USER] }),
    startWebhookSink(),
  ]);
  open.push(() => Promise.all([prod.close(), west.close(), sink.close()]).then(() => undefined));
  const env = {
    APPLIANCES: JSON.stringify([
      { name: 'azure-prod', url: prod.url, ...USER },
      { name: 'azure-west', product: 'azure', url: west.url, version: 'v1', ...USER },
    ]),
    SLACK_WEBHOOK_URL: sink.urlFor('slack'),
    WEBHOOK_SIGNING_SECRET: SIGNING,
    NOTIFIER_HTTP_TIMEOUT_MS: '2000',
    ...extra(sink),
  };
  const handler = createHandler(() => createRuntime(loadConfig(env), { logger: createLogger({ logLevel: 'SILENT' }) }));
  let count = 0;
  return { prod, west, sink, invoke: (event) => handler(event, lambdaContext(15_000, `fleet-${++count}`)) };
}

const slackText = (sink: WebhookSink, name = 'slack') => sink.postsTo(name).map((p) => JSON.stringify(p.json));

describe('a deployment serving several appliances', () => {
  describe('when two appliances report the same session ID', () => {
    it('posts two messages, one per appliance, and suppresses a repeat of either', async () => {
      const f = await startFleet();

      await f.invoke({ appliance: 'azure-prod', sessionId: '77' });
      await f.invoke({ appliance: 'azure-west', sessionId: '77' });
      await f.invoke({ appliance: 'azure-prod', sessionId: '77' });

      expect(f.sink.postsTo('slack')).toHaveLength(2);
      // Each message says which appliance the session ran on.
      expect(slackText(f.sink)[0]).toContain('*Appliance*\\nazure-prod');
      expect(slackText(f.sink)[1]).toContain('*Appliance*\\nazure-west');
      expect(f.prod.requestsTo('log')).toHaveLength(2);
      expect(f.west.requestsTo('log')).toHaveLength(1);
    });

    it('gives PagerDuty and the generic webhook a different source, and so a different dedup key, per appliance', async () => {
      const f = await startFleet((sink) => ({
        PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
        PAGERDUTY_EVENTS_URL: sink.urlFor('pagerduty'),
        GENERIC_WEBHOOK_URL: sink.urlFor('generic'),
      }));

      await f.invoke({ appliance: 'azure-prod', sessionId: '77' });
      await f.invoke({ appliance: 'azure-west', sessionId: '77' });

      const dedupKeys = f.sink.postsTo('pagerduty').map((p) => (p.json as { dedup_key: string }).dedup_key);
      expect(dedupKeys).toHaveLength(2);
      expect(dedupKeys[0]).toContain('azure-prod');
      expect(dedupKeys[1]).toContain('azure-west');
      const sources = f.sink
        .postsTo('generic')
        .map((p) => (p.json as { source: { appliance: string } }).source.appliance);
      expect(sources).toEqual(['azure-prod', 'azure-west']);
    });
  });

  describe('when an event does not name a known appliance', () => {
    it('refuses an event without an appliance, saying the name is required, before any appliance call', async () => {
      const f = await startFleet();

      const error = await rejection(f.invoke({ sessionId: '77' }), TriggerError);

      expect(error.message).toMatch(/must name its appliance/);
      expect(f.prod.requests).toHaveLength(0);
      expect(f.west.requests).toHaveLength(0);
    });

    it('answers a signed HTTP request naming an unknown appliance with 400, naming no credential', async () => {
      const f = await startFleet();
      const event = loadEvent<APIGatewayProxyEventV2>('http');
      event.body = JSON.stringify({ appliance: 'azure-north', sessionId: '77' });

      const result = (await f.invoke(signHttpEvent(event, SIGNING))) as APIGatewayProxyStructuredResultV2;

      expect(result.statusCode).toBe(400);
      expect(result.body).toContain('unknown appliance \\"azure-north\\"');
      expect(result.body).not.toContain(USER.password);
      expect(f.sink.posts).toHaveLength(0);
    });

    it('reads the appliance from an EventBridge detail and an SQS body', async () => {
      const f = await startFleet();
      const eventBridge = loadEvent('eventbridge');
      eventBridge.detail = { appliance: 'azure-west', sessionId: '38' };
      const sqs = loadEvent<{ Records: { body: string }[] }>('sqs');
      for (const record of sqs.Records) record.body = JSON.stringify({ appliance: 'azure-prod', sessionId: '52' });

      await f.invoke(eventBridge);
      await f.invoke(sqs);

      expect(f.west.requestsTo('log')).toHaveLength(1);
      expect(f.prod.requestsTo('log').length).toBeGreaterThanOrEqual(1);
    });
  });

  describe('with routing rules', () => {
    const routes = (sink: WebhookSink) => ({
      ROUTES: JSON.stringify([
        { match: { appliance: 'azure-prod', outcome: ['failed', 'warnings'] }, slack: sink.urlFor('prod-team') },
        { name: 'west', match: { appliance: 'azure-w*', outcome: 'failed' }, slack: sink.urlFor('west-team') },
      ]),
    });

    it("sends each appliance's failures to its own channel and everything else to the default route", async () => {
      const f = await startFleet(routes);

      await f.invoke({ appliance: 'azure-prod', sessionId: '77' });
      await f.invoke({ appliance: 'azure-west', sessionId: '77' });
      await f.invoke({ appliance: 'azure-west', sessionId: '38' });

      expect(slackText(f.sink, 'prod-team')).toHaveLength(1);
      expect(slackText(f.sink, 'west-team')).toHaveLength(1);
      expect(slackText(f.sink, 'slack')).toHaveLength(1);
      expect(slackText(f.sink, 'slack')[0]).toContain('Daily-tw-vm2');
    });

    it('lets a rule with continue deliver alongside the next matching rule', async () => {
      const f = await startFleet((sink) => ({
        ROUTES: JSON.stringify([
          { match: { outcome: 'failed' }, generic: sink.urlFor('audit'), continue: true },
          { match: { appliance: 'azure-*' }, slack: sink.urlFor('ops') },
        ]),
      }));

      await f.invoke({ appliance: 'azure-prod', sessionId: '77' });

      expect(f.sink.postsTo('audit')).toHaveLength(1);
      expect(f.sink.postsTo('ops')).toHaveLength(1);
      expect(f.sink.postsTo('slack')).toHaveLength(0);
    });
  });
});
