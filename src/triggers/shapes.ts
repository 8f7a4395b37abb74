import type { APIGatewayProxyEventV2, SNSEvent, SNSEventRecord, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { TriggerError } from '../errors.ts';
import { type HttpPayloadFormat, isLegacyHttpEvent, legacyToV2 } from './http-payloads.ts';
import { describeShape, type SessionRequest, sessionRequestFrom } from './request.ts';

/**
 * Pure recognition of every trigger shape the handler accepts, and of the session request inside each record.
 * Schemas check only the fields the notifier reads; everything else stays as AWS sent it (loose objects).
 */

/**
 * An SNS delivery to Lambda.
 * @example { "Records": [{ "EventSource": "aws:sns", "Sns": { "MessageId": "…", "Message": "{\"sessionId\":\"38\"}" } }] }
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 */
const SnsEventSchema = z.looseObject({
  Records: z
    .array(
      z.looseObject({
        EventSource: z.optional(z.literal('aws:sns')),
        Sns: z.looseObject({ MessageId: z.string(), Message: z.string() }),
      }),
    )
    .check(z.minLength(1)),
});

/**
 * An SQS batch delivered by an event source mapping.
 * @example { "Records": [{ "messageId": "…", "eventSource": "aws:sqs", "body": "{\"sessionId\":\"38\"}" }] }
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */
const SqsEventSchema = z.looseObject({
  Records: z
    .array(z.looseObject({ eventSource: z.literal('aws:sqs'), messageId: z.string(), body: z.string() }))
    .check(z.minLength(1)),
});

/**
 * An API Gateway HTTP API (payload format 2.0) or Lambda function URL request.
 * @example { "version": "2.0", "requestContext": { "http": { "method": "POST" } }, "headers": {…}, "body": "…" }
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
const HttpEventSchema = z.looseObject({
  version: z.literal('2.0'),
  // A function URL sends `"body": null` (and may send null headers) for an empty request.
  headers: z.optional(z.nullable(z.record(z.string(), z.optional(z.string())))),
  body: z.optional(z.nullable(z.string())),
  isBase64Encoded: z._default(z.boolean(), false),
  requestContext: z.looseObject({ http: z.looseObject({ method: z.string() }) }),
});

/** An SNS notification as SQS stores it when the subscription does not use raw message delivery. */
const SnsEnvelopeSchema = z.looseObject({ Type: z.literal('Notification'), Message: z.string() });

/** The event, recognised: which trigger sent it, typed as AWS documents it. */
export type RecognisedEvent =
  | { readonly kind: 'direct'; readonly event: unknown }
  | { readonly kind: 'eventbridge'; readonly event: unknown }
  | { readonly kind: 'sns'; readonly event: SNSEvent }
  | { readonly kind: 'sqs'; readonly event: SQSEvent }
  | { readonly kind: 'http'; readonly event: APIGatewayProxyEventV2; readonly format: HttpPayloadFormat };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const LEGACY_HTTP_MALFORMED =
  'malformed HTTP event: an API Gateway REST (payload 1.0) or ALB request needs httpMethod, headers and a string or null body; or send it through an HTTP API (payload 2.0) or a function URL';

const KNOWN_TRIGGERS = 'a direct invoke { sessionId }, EventBridge, SNS, SQS or a signed HTTP POST';

/**
 * Recognises the trigger from the event's shape and validates the fields the notifier reads.
 * Throws TriggerError naming what was received (top-level keys only) when no trigger matches or a shape is malformed.
 */
export function recogniseEvent(event: unknown): RecognisedEvent {
  if (!isRecord(event)) return unknownShape(event);
  const first = Array.isArray(event.Records) ? (event.Records[0] as unknown) : undefined;
  if (isRecord(first) && ('Sns' in first || first.EventSource === 'aws:sns')) {
    // The validated object is the event itself (loose schema), so it keeps every field AWS sent.
    return { kind: 'sns', event: validated(SnsEventSchema, event, 'SNS') as unknown as SNSEvent };
  }
  if (isRecord(first) && first.eventSource === 'aws:sqs') {
    return { kind: 'sqs', event: validated(SqsEventSchema, event, 'SQS') as unknown as SQSEvent };
  }
  if (isRecord(event.requestContext) && 'http' in event.requestContext) {
    const v2 = validated(HttpEventSchema, event, 'HTTP') as unknown as APIGatewayProxyEventV2;
    return { kind: 'http', event: v2, format: 'http-api-v2' };
  }
  if (isLegacyHttpEvent(event)) {
    const legacy = legacyToV2(event);
    if (legacy === undefined) throw new TriggerError(LEGACY_HTTP_MALFORMED);
    return { kind: 'http', ...legacy };
  }
  if ('detail-type' in event) return { kind: 'eventbridge', event };
  if ('sessionId' in event) return { kind: 'direct', event };
  return unknownShape(event);
}

function unknownShape(event: unknown): never {
  throw new TriggerError(
    `session ID is missing: no sessionId found, and the event matches no known trigger (${KNOWN_TRIGGERS}); received ${describeShape(event)}`,
  );
}

function validated<T>(schema: z.ZodMiniType<T>, event: unknown, name: string): T {
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  // Paths and rules only: a zod message could quote a value.
  const where = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'event'))].slice(0, 5);
  throw new TriggerError(`malformed ${name} event: unexpected or missing ${where.join(', ')}`);
}

/** Parses untrusted JSON without echoing it: a SyntaxError's message can quote the text. */
function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new TriggerError(`session ID is missing: the ${what} is not JSON (${text.length} characters)`);
  }
}

/** The session request in one SNS record: its Message is a direct-invoke payload or an EventBridge event, as JSON. */
export function sessionRequestFromSnsRecord(record: SNSEventRecord): SessionRequest {
  return sessionRequestFrom(parseJson(record.Sns.Message, 'SNS message'), 'sns');
}

/** The session request in one SQS record: its body is the payload as JSON, or an SNS envelope carrying it. */
export function sessionRequestFromSqsRecord(record: SQSRecord): SessionRequest {
  const body = parseJson(record.body, 'SQS message body');
  const envelope = SnsEnvelopeSchema.safeParse(body);
  const payload = envelope.success ? parseJson(envelope.data.Message, 'SNS message inside the SQS body') : body;
  return sessionRequestFrom(payload, 'sqs');
}

/** What the HTTP adapter needs from a request: lower-cased headers and the raw body bytes (base64 decoded). */
export interface HttpRequest {
  readonly method: string;
  readonly header: (name: string) => string | undefined;
  readonly rawBody: Buffer;
}

/** Reads the method, headers and exact body bytes of an HTTP API v2 / function URL request. */
export function httpRequestFrom(event: APIGatewayProxyEventV2): HttpRequest {
  const headers = new Map(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const body = event.body ?? '';
  return {
    method: event.requestContext.http.method.toUpperCase(),
    header: (name) => headers.get(name.toLowerCase()),
    rawBody: Buffer.from(body, event.isBase64Encoded ? 'base64' : 'utf8'),
  };
}

/** The session request in a verified HTTP body: the same JSON as a direct invoke. */
export function sessionRequestFromHttpBody(rawBody: Buffer): SessionRequest {
  return sessionRequestFrom(parseJson(rawBody.toString('utf8'), 'request body'), 'http');
}
