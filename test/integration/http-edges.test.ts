import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { signHttpEvent } from '../../src/dev/http-event.ts';
import { type LocalDynamo, startLocalDynamo } from '../support/dynamodb-local.ts';
import { loadEvent } from '../support/events.ts';
import { harnessPerTest, SIGNING_SECRET } from '../support/harness.ts';
import { secretReaderFor, startSecretsManager } from '../support/secrets-manager-server.ts';

const start = harnessPerTest();

type Answer = APIGatewayProxyStructuredResultV2 & { multiValueHeaders?: Record<string, string[]> };
const answer = (result: unknown) => result as Answer;
const bodyOf = (result: unknown) => JSON.parse(answer(result).body ?? '') as Record<string, unknown>;
const signed = <T extends { headers?: Record<string, string | undefined>; body?: string }>(event: T) =>
  signHttpEvent(event, SIGNING_SECRET);

describe('handler, a signed request sent again (replay)', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(async () => {
    await dynamo.close();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('answers the replay 200 {"status":"duplicate"} without reading the appliance again', async () => {
    const h = await start();
    const request = signed(loadEvent<APIGatewayProxyEventV2>('http'));

    const first = await h.invoke(request);
    const replays = [await h.invoke(request), await h.invoke(structuredClone(request))];

    expect(answer(first).statusCode).toBe(200);
    for (const replay of replays) {
      expect(answer(replay).statusCode).toBe(200);
      expect(bodyOf(replay)).toEqual({ status: 'duplicate' });
    }
    expect(h.emulator.requestsTo('log')).toHaveLength(1);
    expect(h.sink.postsTo('slack')).toHaveLength(1);
  });

  it('remembers accepted signatures in IDEMPOTENCY_TABLE, so another container refuses the replay too', async () => {
    await dynamo.createTable('replays');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    const [one, two] = [await start({ IDEMPOTENCY_TABLE: 'replays' }), await start({ IDEMPOTENCY_TABLE: 'replays' })];
    const request = signed(loadEvent<APIGatewayProxyEventV2>('http'));

    await one.invoke(request);
    const replay = await two.invoke(request);

    expect(bodyOf(replay)).toEqual({ status: 'duplicate' });
    expect(two.emulator.requests).toHaveLength(0);
    expect((await dynamo.items('replays')).some((item) => String(item.id).startsWith('replay#'))).toBe(true);
  });

  it('processes the same bytes again after a 503, so a retry of a failed request is not lost', async () => {
    const h = await start();
    const request = signed(loadEvent<APIGatewayProxyEventV2>('http'));
    h.emulator.setFault('log', { status: 503 });

    const failed = await h.invoke(request, 4_000);
    h.emulator.setFault('log', undefined);
    const retried = await h.invoke(request);

    expect(answer(failed).statusCode).toBe(503);
    expect(answer(retried).statusCode).toBe(200);
    expect(bodyOf(retried)).toMatchObject({ sessionId: '38', outcome: 'succeeded' });
  });

  it("answers 503 with a short code and sentence, keeping the appliance's text in the log only", async () => {
    const h = await start();
    h.emulator.setFault('log', { status: 503, body: { title: 'Maintenance mode', detail: 'db-node-7 is rebooting' } });

    const result = await h.invoke(signed(loadEvent<APIGatewayProxyEventV2>('http')), 4_000);

    expect(answer(result).statusCode).toBe(503);
    expect(bodyOf(result)).toEqual({
      error: 'SOURCE_UNAVAILABLE',
      message: 'the notification could not be completed now; retry later',
      retryable: true,
    });
    expect(h.output.join('')).toContain('db-node-7 is rebooting');
  });

  it('answers 503 (retry later) to a replay that arrives while the first request is still being processed', async () => {
    const h = await start();
    h.emulator.setFault('log', { kind: 'slow', delayMs: 700 });
    const request = signed(loadEvent<APIGatewayProxyEventV2>('http'));

    const [first, second] = await Promise.all([
      h.invoke(request),
      new Promise((resolve) => setTimeout(resolve, 200)).then(() => h.invoke(request)),
    ]);

    expect(answer(first).statusCode).toBe(200);
    expect(answer(second).statusCode).toBe(503);
    expect(bodyOf(second)).toEqual({ error: 'in progress' });
    expect(h.emulator.requestsTo('log')).toHaveLength(1);
  });

  it('treats a new signature (a fresh timestamp) as a new request', async () => {
    const h = await start();
    const event = loadEvent<APIGatewayProxyEventV2>('http');

    await h.invoke(signHttpEvent(event, SIGNING_SECRET, Date.now() - 2_000));
    const again = await h.invoke(signHttpEvent(event, SIGNING_SECRET, Date.now()));

    expect(bodyOf(again)).toMatchObject({ sessionId: '38', outcome: 'succeeded' });
  });
});

describe('handler, a function URL request with a null body', () => {
  const nullBody = (headers: Record<string, string> | null | undefined): unknown => {
    const event: Record<string, unknown> = { ...loadEvent('http'), body: null };
    if (headers === undefined) delete event.headers;
    else event.headers = headers;
    return event;
  };

  it.each([
    ['no headers', undefined],
    ['null headers', null],
    ['headers without a signature', { 'content-type': 'application/json' }],
  ])('answers 401 (unsigned) for %s', async (_name, headers) => {
    const h = await start();

    const result = await h.invoke(nullBody(headers));

    expect(answer(result).statusCode).toBe(401);
    expect(h.emulator.requests).toHaveLength(0);
  });

  it('answers 400 for a signed request, reading the null body as empty', async () => {
    const h = await start();
    const event = nullBody({}) as { headers: Record<string, string> };
    const { headers } = signed({ headers: {}, body: '' });
    event.headers = headers as Record<string, string>;

    const result = await h.invoke(event);

    expect(answer(result).statusCode).toBe(400);
    expect(bodyOf(result).error).toMatch(/request body is not JSON \(0 characters\)/);
  });
});

describe('handler, API Gateway REST (payload v1) and ALB requests', () => {
  it.each(['http-rest-v1', 'alb'])('processes a signed events/%s.json under the same signature rules', async (name) => {
    const h = await start();

    const result = await h.invoke(signed(loadEvent(name)));

    expect(answer(result).statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ sessionId: '38', outcome: 'succeeded' });
  });

  it.each(['http-rest-v1', 'alb'])('answers 401 for events/%s.json as stored (stale signature)', async (name) => {
    const h = await start();

    const result = await h.invoke(loadEvent(name));

    expect(answer(result).statusCode).toBe(401);
    expect(h.emulator.requests).toHaveLength(0);
  });

  it('reads an ALB request with multi-value headers, and answers in multi-value headers', async () => {
    const h = await start();
    const event = signed(loadEvent<{ headers: Record<string, string> }>('alb'));
    const multi = {
      ...structuredClone(event),
      headers: undefined,
      multiValueHeaders: Object.fromEntries(Object.entries(event.headers).map(([k, v]) => [k, [v]])),
    };

    const result = answer(await h.invoke(multi));

    expect(result.statusCode).toBe(200);
    expect(result.multiValueHeaders).toEqual({ 'content-type': ['application/json'] });
    expect(result.headers).toBeUndefined();
  });
});

describe('handler, a low-entropy signing secret in Secrets Manager', () => {
  it('refuses every request (503) and logs how to make a strong one, naming the variable, never the value', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:notifier/signing-AbCdEf';
    const weak = 'abababababababababab';
    const server = await startSecretsManager({ [arn]: weak });
    const secrets = secretReaderFor(server.url);
    try {
      const h = await start({ WEBHOOK_SIGNING_SECRET: undefined, WEBHOOK_SIGNING_SECRET_ARN: arn }, {}, { secrets });

      const result = await h.invoke(signHttpEvent(loadEvent<APIGatewayProxyEventV2>('http'), weak));

      expect(answer(result).statusCode).toBe(503);
      expect(h.emulator.requests).toHaveLength(0);
      const logs = h.output.join('');
      expect(logs).toContain('WEBHOOK_SIGNING_SECRET_ARN');
      expect(logs).toContain('openssl rand -hex 32');
      expect(logs).not.toContain(weak);
    } finally {
      await server.close();
    }
  });
});
