import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  SNSEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { signHttpEvent } from '../../src/dev/http-event.ts';
import { NotifierError, TriggerError } from '../../src/errors.ts';
import { loadEvent } from '../support/events.ts';
import { type Harness, harnessPerTest, SIGNING_SECRET } from '../support/harness.ts';
import { rejection } from '../support/rejection.ts';
import { secretReaderFor, startSecretsManager } from '../support/secrets-manager-server.ts';

const start = harnessPerTest();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Log lines (JSON) with the given message. */
const logLines = (h: Harness, message: string): Array<Record<string, unknown>> =>
  h.output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.message === message);

// The first log request answers normally, the next three (every attempt of the second record) answer 503.
const SECOND_RECORD_UNAVAILABLE = [{ kind: 'pass' as const }, { status: 503 }, { status: 503 }, { status: 503 }];

describe('handler, SNS trigger', () => {
  it('notifies once per record for a delivery with two records (a direct payload and an EventBridge event)', async () => {
    const h = await start();

    const result = await h.invoke(loadEvent<SNSEvent>('sns'));

    expect(result).toBeUndefined();
    expect(h.emulator.requestsTo('log').map((r) => r.path)).toEqual([
      '/api/v1/jobSessions/38/log',
      '/api/v1/jobSessions/77/log',
    ]);
    expect(h.sink.postsTo('slack')).toHaveLength(2);
    expect(h.sink.postsTo('teams')).toHaveLength(2);
  });

  it('processes every record, then fails the invocation as retryable when one failed transiently', async () => {
    const h = await start();
    h.emulator.enqueueFaults('log', SECOND_RECORD_UNAVAILABLE);

    const error = await rejection(h.invoke(loadEvent<SNSEvent>('sns'), 6_000));

    expect(error).toBeInstanceOf(NotifierError);
    expect((error as NotifierError).retryable).toBe(true);
    expect(error.message).toContain('1 of 2 SNS record(s) failed transiently');
    expect(h.sink.postsTo('slack')).toHaveLength(1);
  });

  it('logs and drops a record whose message carries no session ID, and still notifies for the other', async () => {
    const h = await start();
    const event = loadEvent<SNSEvent>('sns');
    const bad = event.Records[0];
    if (bad) bad.Sns.Message = JSON.stringify({ jobName: 'private-job-name' });

    const result = await h.invoke(event);

    expect(result).toBeUndefined();
    expect(h.sink.postsTo('slack')).toHaveLength(1);
    const [dropped] = logLines(h, 'record dropped');
    expect(dropped).toMatchObject({ trigger: 'sns', messageId: bad?.Sns.MessageId, code: 'TRIGGER_INVALID' });
    expect(h.output.join('')).not.toContain('private-job-name');
  });
});

describe('handler, SQS trigger', () => {
  it('notifies for a raw body and for an SNS envelope, and reports no failures', async () => {
    const h = await start();

    const result = await h.invoke(loadEvent<SQSEvent>('sqs'));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(h.emulator.requestsTo('log').map((r) => r.path)).toEqual([
      '/api/v1/jobSessions/38/log',
      '/api/v1/jobSessions/77/log',
    ]);
    expect(h.sink.postsTo('slack')).toHaveLength(2);
  });

  it('reports only the record that failed transiently, so only it is redelivered', async () => {
    const h = await start();
    h.emulator.enqueueFaults('log', SECOND_RECORD_UNAVAILABLE);
    const event = loadEvent<SQSEvent>('sqs');

    const result = (await h.invoke(event, 6_000)) as SQSBatchResponse;

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1]?.messageId }]);
    expect(h.sink.postsTo('slack')).toHaveLength(1);
  });

  it('reports every record when the whole batch fails transiently, instead of throwing', async () => {
    const h = await start();
    h.emulator.setFault('log', { status: 503 });
    const event = loadEvent<SQSEvent>('sqs');

    const result = (await h.invoke(event, 6_000)) as SQSBatchResponse;

    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(event.Records.map((r) => r.messageId));
    expect(h.sink.posts).toHaveLength(0);
  });

  it.each([
    ['a body that is not JSON', 'sessionId=38 secret-looking-text'],
    ['a body without a session ID', JSON.stringify({ jobName: 'secret-looking-text' })],
    ['a path-changing session ID', JSON.stringify({ sessionId: '../oauth2/token' })],
  ])('logs and drops %s with its message ID, and never reports it for redelivery', async (_name, body) => {
    const h = await start();
    const event = loadEvent<SQSEvent>('sqs');
    const bad = event.Records[0];
    if (bad) bad.body = body;

    const result = (await h.invoke(event)) as SQSBatchResponse;

    expect(result.batchItemFailures).toEqual([]);
    expect(h.sink.postsTo('slack')).toHaveLength(1);
    expect(logLines(h, 'record dropped')).toEqual([
      expect.objectContaining({ trigger: 'sqs', messageId: bad?.messageId, code: 'TRIGGER_INVALID' }),
    ]);
    expect(h.output.join('')).not.toContain('secret-looking-text');
  });

  it('drops, without redelivery, a record whose webhook refuses permanently', async () => {
    const h = await start({ TEAMS_WEBHOOK_URL: undefined });
    h.sink.enqueue('slack', { status: 404, body: 'no_service' });
    const event = loadEvent<SQSEvent>('sqs');

    const result = (await h.invoke(event)) as SQSBatchResponse;

    expect(result.batchItemFailures).toEqual([]);
    expect(logLines(h, 'record dropped')).toEqual([
      expect.objectContaining({ messageId: event.Records[0]?.messageId, code: 'DELIVERY_REJECTED' }),
    ]);
  });
});

describe('handler, signed HTTP trigger', () => {
  const signed = (event = loadEvent<APIGatewayProxyEventV2>('http'), nowMs = Date.now(), secret = SIGNING_SECRET) =>
    signHttpEvent(event, secret, nowMs);
  const bodyOf = (result: unknown) => JSON.parse((result as APIGatewayProxyStructuredResultV2).body ?? '') as unknown;
  const statusOf = (result: unknown) => (result as APIGatewayProxyStructuredResultV2).statusCode;

  it('processes a correctly signed request and answers 200 with the session, outcome and destinations', async () => {
    const h = await start();

    const result = await h.invoke(signed());

    expect(statusOf(result)).toBe(200);
    expect(bodyOf(result)).toEqual({ sessionId: '38', outcome: 'succeeded', delivered: ['slack', 'teams'] });
    expect(h.sink.postsTo('slack')).toHaveLength(1);
  });

  it('verifies a base64-encoded body on its decoded bytes', async () => {
    const h = await start();
    const event = loadEvent<APIGatewayProxyEventV2>('http');
    event.body = Buffer.from(JSON.stringify({ sessionId: '77' })).toString('base64');
    event.isBase64Encoded = true;

    const result = await h.invoke(signed(event));

    expect(statusOf(result)).toBe(200);
    expect(bodyOf(result)).toMatchObject({ sessionId: '77', outcome: 'failed' });
  });

  it.each([
    ['a wrong signature', () => signed(undefined, Date.now(), 'not-the-shared-secret-000')],
    ['a replayed timestamp (signed six minutes ago)', () => signed(undefined, Date.now() - 6 * 60_000)],
    ['a timestamp from the future', () => signed(undefined, Date.now() + 6 * 60_000)],
    [
      'no signature headers',
      () => {
        const event = loadEvent<APIGatewayProxyEventV2>('http');
        delete event.headers['x-signature'];
        delete event.headers['x-timestamp'];
        return event;
      },
    ],
    [
      'a body changed after signing',
      () => {
        const event = signed();
        event.body = JSON.stringify({ sessionId: '77' });
        return event;
      },
    ],
  ])('answers 401 without any other work for %s', async (_name, makeEvent) => {
    const h = await start();

    const result = await h.invoke(makeEvent());

    expect(statusOf(result)).toBe(401);
    expect(bodyOf(result)).toEqual({ error: 'unauthorized' });
    expect(h.emulator.requests).toHaveLength(0);
    expect(h.sink.posts).toHaveLength(0);
  });

  it('answers 401 for the stored sample, whose signature is long past the five-minute window', async () => {
    const h = await start();

    const result = await h.invoke(loadEvent('http'));

    expect(statusOf(result)).toBe(401);
  });

  it.each([
    ['not JSON', 'sessionId=38', /not JSON/],
    ['JSON without a session ID', JSON.stringify({ jobName: 'nightly' }), /session ID is missing.*keys jobName/],
    ['an invalid session ID', JSON.stringify({ sessionId: '38/../../token' }), /session ID is invalid/],
  ])('answers 400 with a JSON error for a signed body that is %s', async (_name, body, message) => {
    const h = await start();
    const event = loadEvent<APIGatewayProxyEventV2>('http');
    event.body = body;

    const result = await h.invoke(signed(event));

    expect(statusOf(result)).toBe(400);
    expect((bodyOf(result) as { error: string }).error).toMatch(message);
    expect(h.emulator.requests).toHaveLength(0);
  });

  it('answers 503 (retry later) when the appliance stays unavailable', async () => {
    const h = await start();
    h.emulator.setFault('log', { status: 503 });

    const result = await h.invoke(signed(), 4_000);

    expect(statusOf(result)).toBe(503);
    expect(bodyOf(result)).toMatchObject({ retryable: true });
  });

  it('refuses every request with 500 when no signing secret is configured', async () => {
    const h = await start({ WEBHOOK_SIGNING_SECRET: undefined });

    const result = await h.invoke(signed());

    expect(statusOf(result)).toBe(500);
    expect(h.emulator.requests).toHaveLength(0);
  });

  it('reads the signing secret from Secrets Manager once per container and never logs it', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:notifier/signing-AbCdEf';
    const server = await startSecretsManager({ [arn]: SIGNING_SECRET });
    cleanups.push(server.close);
    const secrets = secretReaderFor(server.url);
    const h = await start({ WEBHOOK_SIGNING_SECRET: undefined, WEBHOOK_SIGNING_SECRET_ARN: arn }, {}, { secrets });

    const first = await h.invoke(signed());
    const second = await h.invoke(signed(undefined, Date.now(), 'wrong-secret-0123456789'));

    expect(statusOf(first)).toBe(200);
    expect(statusOf(second)).toBe(401);
    expect(server.calls).toEqual([`secretsmanager.GetSecretValue ${arn}`]);
    expect(h.output.join('')).not.toContain(SIGNING_SECRET);
  });
});

describe('handler, an event of no known shape', () => {
  it.each([
    ['an S3 notification', loadEvent('unknown-shape'), /keys Records/],
    ['a job report without a session ID', loadEvent('missing-session-id'), /keys jobName, result/],
    ['an array', [{ sessionId: '38' }], /received an array/],
  ])(
    'says no session ID was found for %s, naming the keys received, before any network call',
    async (_name, event, keys) => {
      const h = await start();

      const error = await rejection(h.invoke(event));

      expect(error).toBeInstanceOf(TriggerError);
      expect(error.message).toMatch(/no sessionId found/);
      expect(error.message).toMatch(keys);
      expect(h.emulator.requests).toHaveLength(0);
    },
  );
});

describe('handler, every sample in events/', () => {
  // The HTTP sample is stored with a signature from when it was written: it is re-signed, as `npm run invoke` does.
  const sample = (name: string): unknown =>
    name === 'http' ? signHttpEvent(loadEvent<APIGatewayProxyEventV2>(name), SIGNING_SECRET) : loadEvent(name);

  it.each([
    ['direct', { sessionId: '38', outcome: 'succeeded' }],
    ['direct-failed', { sessionId: '77', outcome: 'failed' }],
    ['eventbridge', { sessionId: '52', outcome: 'warning' }],
    ['sqs', { batchItemFailures: [] }],
    ['http', { statusCode: 200 }],
  ])('answers events/%s.json with %o and posts to the sink', async (name, expected) => {
    const h = await start();

    const result = await h.invoke(sample(name));

    expect(result).toMatchObject(expected);
    expect(h.sink.postsTo('slack').length).toBeGreaterThan(0);
  });

  it('answers events/sns.json with nothing and posts to the sink', async () => {
    const h = await start();

    const result = await h.invoke(sample('sns'));

    expect(result).toBeUndefined();
    expect(h.sink.postsTo('slack').length).toBe(2);
  });

  it.each(['missing-session-id', 'unknown-shape'])('rejects events/%s.json with a TriggerError', async (name) => {
    const h = await start();

    await expect(h.invoke(sample(name))).rejects.toThrow(TriggerError);
  });
});
