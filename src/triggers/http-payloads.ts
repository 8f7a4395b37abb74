import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';

/*
 * The signed HTTP trigger reaches the function in three payload formats: API Gateway HTTP API v2 and function URLs
 * (2.0), API Gateway REST APIs (1.0) and Application Load Balancers. The signature covers the same header values and
 * body bytes in each, so REST and ALB requests are read into the 2.0 shape and the answer is written back in theirs.
 */

/** Which payload format a request came in, so the answer goes back in the same one. */
export type HttpPayloadFormat = 'http-api-v2' | 'rest-v1' | 'alb' | 'alb-multi-value';

const headerMap = z.optional(z.nullable(z.record(z.string(), z.optional(z.nullable(z.string())))));
const multiValueHeaderMap = z.optional(z.nullable(z.record(z.string(), z.optional(z.nullable(z.array(z.string()))))));

/**
 * An API Gateway REST API (payload format 1.0) or ALB request: the fields the signed trigger reads.
 * @example { "httpMethod": "POST", "headers": { "X-Timestamp": "…" }, "body": "{\"sessionId\":\"38\"}", "requestContext": { "elb": {…} } }
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 */
const LegacyHttpEventSchema = z.looseObject({
  httpMethod: z.string(),
  headers: headerMap,
  multiValueHeaders: multiValueHeaderMap,
  body: z.optional(z.nullable(z.string())),
  isBase64Encoded: z.optional(z.nullable(z.boolean())),
  requestContext: z.looseObject({}),
});

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether an event is a REST API v1 or ALB request (an `httpMethod` beside a `requestContext`). */
export function isLegacyHttpEvent(event: Record<string, unknown>): boolean {
  return 'httpMethod' in event && isRecord(event.requestContext);
}

/**
 * Reads a REST API v1 or ALB request into the HTTP API v2 shape (lower-cased headers, the same body bytes);
 * undefined when its fields are malformed.
 */
export function legacyToV2(event: unknown): { event: APIGatewayProxyEventV2; format: HttpPayloadFormat } | undefined {
  const parsed = LegacyHttpEventSchema.safeParse(event);
  if (!parsed.success) return undefined;
  const { headers, multiValueHeaders, body, isBase64Encoded, httpMethod, requestContext } = parsed.data;
  const merged: Record<string, string> = {};
  // ALB sends one map or the other (multi-value headers on); API Gateway sends both with the same values.
  for (const [name, values] of Object.entries(multiValueHeaders ?? {})) {
    if (values) merged[name.toLowerCase()] = values.join(',');
  }
  for (const [name, value] of Object.entries(headers ?? {})) if (value) merged[name.toLowerCase()] = value;
  const alb = 'elb' in requestContext;
  const format: HttpPayloadFormat = !alb ? 'rest-v1' : headers ? 'alb' : 'alb-multi-value';
  const v2 = {
    version: '2.0',
    headers: merged,
    ...(body === null || body === undefined ? {} : { body }),
    isBase64Encoded: isBase64Encoded ?? false,
    requestContext: { http: { method: httpMethod } },
  };
  return { event: v2 as unknown as APIGatewayProxyEventV2, format };
}

/** An answer for a REST API v1 or ALB request. */
export interface LegacyHttpAnswer {
  readonly statusCode?: number | undefined;
  readonly statusDescription?: string;
  readonly headers?: APIGatewayProxyStructuredResultV2['headers'];
  readonly multiValueHeaders?: Record<string, string[]>;
  readonly body?: string | undefined;
  readonly isBase64Encoded: boolean;
}

/** The answer in the request's payload format: ALB wants a status line and, with multi-value headers on, arrays. */
export function answerInFormat(
  format: HttpPayloadFormat,
  answer: APIGatewayProxyStructuredResultV2,
): APIGatewayProxyStructuredResultV2 | LegacyHttpAnswer {
  if (format === 'http-api-v2') return answer;
  const { headers, ...rest } = answer;
  const base = { ...rest, isBase64Encoded: false };
  if (format === 'rest-v1') return { ...base, headers };
  const statusDescription = `${answer.statusCode ?? 200} ${STATUS_TEXT[answer.statusCode ?? 200] ?? ''}`.trim();
  if (format === 'alb') return { ...base, statusDescription, headers };
  const multiValueHeaders = Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, [String(v)]]));
  return { ...base, statusDescription, multiValueHeaders };
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  405: 'Method Not Allowed',
  409: 'Conflict',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};
