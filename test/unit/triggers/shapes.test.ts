import type { APIGatewayProxyEventV2, SNSEvent, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { TriggerError } from '../../../src/errors.ts';
import {
  httpRequestFrom,
  recogniseEvent,
  sessionRequestFromSnsRecord,
  sessionRequestFromSqsRecord,
} from '../../../src/triggers/shapes.ts';
import { loadEvent } from '../../support/events.ts';

describe('recogniseEvent', () => {
  it.each([
    ['direct', 'direct'],
    ['eventbridge', 'eventbridge'],
    ['sns', 'sns'],
    ['sqs', 'sqs'],
    ['http', 'http'],
  ])('recognises events/%s.json as %s', (file, kind) => {
    expect(recogniseEvent(loadEvent(file)).kind).toBe(kind);
  });

  it('names the missing field of a malformed SNS event without quoting values', () => {
    const event = loadEvent<SNSEvent>('sns');
    const record = event.Records[0] as unknown as { Sns: Record<string, unknown> };
    record.Sns.Message = 42;
    record.Sns.Subject = 'private subject';

    expect(() => recogniseEvent(event)).toThrow(/malformed SNS event: unexpected or missing Records\.0\.Sns\.Message/);
    expect(() => recogniseEvent(event)).not.toThrow(/42|private/);
  });

  it('refuses an SQS event without records', () => {
    expect(() => recogniseEvent({ Records: [] })).toThrow(/matches no known trigger/);
  });

  it.each([
    ['an empty object', {}, 'an empty object'],
    ['null', null, 'null'],
    ['a string', 'sessionId=38', 'a string'],
    ['an S3 event', loadEvent('unknown-shape'), 'an object with keys Records'],
  ])('says no session ID was found in %s and what it received', (_name, event, received) => {
    expect(() => recogniseEvent(event)).toThrow(TriggerError);
    expect(() => recogniseEvent(event)).toThrow(`received ${received}`);
  });
});

describe('sessionRequestFromSnsRecord', () => {
  it('reads a direct payload and an EventBridge event from the messages', () => {
    const [first, second] = loadEvent<SNSEvent>('sns').Records;
    if (!first || !second) throw new Error('the sample has two records');
    expect(sessionRequestFromSnsRecord(first)).toEqual({ sessionId: '38', policyName: 'Nightly-Azure-VMs' });
    expect(sessionRequestFromSnsRecord(second).sessionId).toBe('77');
  });
});

describe('sessionRequestFromSqsRecord', () => {
  const [raw, enveloped] = loadEvent<SQSEvent>('sqs').Records;
  if (!raw || !enveloped) throw new Error('the sample has two records');

  it('reads a raw body and unwraps an SNS envelope', () => {
    expect(sessionRequestFromSqsRecord(raw).sessionId).toBe('38');
    expect(sessionRequestFromSqsRecord(enveloped).sessionId).toBe('77');
  });

  it('says a non-JSON body is not JSON without quoting it', () => {
    const record = { ...raw, body: 'token=abc123secret' };
    expect(() => sessionRequestFromSqsRecord(record)).toThrow(/SQS message body is not JSON \(18 characters\)/);
    expect(() => sessionRequestFromSqsRecord(record)).not.toThrow(/abc123secret/);
  });
});

describe('httpRequestFrom', () => {
  it('reads headers case-insensitively and decodes a base64 body to its exact bytes', () => {
    const request = httpRequestFrom({
      ...loadEvent<Record<string, unknown>>('http'),
      headers: { 'X-Timestamp': '1' },
      body: Buffer.from([0xff, 0x00, 0x7b]).toString('base64'),
      isBase64Encoded: true,
    } as unknown as APIGatewayProxyEventV2);
    expect(request.header('x-timestamp')).toBe('1');
    expect([...request.rawBody]).toEqual([0xff, 0x00, 0x7b]);
    expect(request.method).toBe('POST');
  });
});
