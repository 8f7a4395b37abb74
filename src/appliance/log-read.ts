import type { LogItem } from '../core/session-log.ts';
import { SourceApiError } from '../errors.ts';
import { BodyTooLargeError } from '../http/client.ts';
import type { Attempt } from '../http/retry.ts';
import type { LogSink } from '../ports.ts';
import { quoteServerText } from '../redact.ts';
import { networkFailure, requestedPath, statusFailure } from './failures.ts';
import { createLogStreamParser, LogShapeError, LogSyntaxError } from './log-stream.ts';
import { type ApplianceTransport, MAX_BODY_BYTES, readBody } from './transport.ts';

// Log entries (as JSON text) held back until the body has proven good; past this they stream into the sink.
const SINK_AFTER_CHARS = 256 * 1024;

/** One attempt at reading a session's log: streamed, validated entry by entry, into a sink of this attempt's own. */
export async function readLogOnce<T>(
  transport: ApplianceTransport,
  request: {
    readonly sessionId: string;
    readonly path: string;
    readonly accessToken: string;
    readonly headers?: Readonly<Record<string, string>>;
  },
  attempt: Attempt,
  createSink: () => LogSink<T>,
): Promise<T> {
  const what = `reading the log of session ${request.sessionId}`;
  const headers = { ...request.headers, authorization: `Bearer ${request.accessToken}`, accept: 'application/json' };
  const response = await transport.open({ method: 'GET', path: request.path, headers }, attempt, what);
  if (response.status !== 200) {
    const reply = await transport.readReply(response, what);
    throw statusFailure(reply, request.sessionId, what, requestedPath('GET', request.path));
  }
  const contentType = response.headers['content-type'];
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  if (type !== undefined && !/json/i.test(type)) {
    response.dump();
    throw new SourceApiError(
      'invalid-response',
      `backup appliance: ${what}: expected JSON but got ${quoteServerText(type.split(';')[0]) ?? 'another type'} (a proxy or login page in the way?)`,
      { statusCode: 200 },
    );
  }
  const held = heldSink(createSink);
  const parser = createLogStreamParser(held.add);
  let jobSessionId: string | null;
  try {
    await readBody(response, (chunk) => parser.write(chunk));
    jobSessionId = parser.end().jobSessionId;
  } catch (error) {
    if (error instanceof LogSyntaxError || error instanceof LogShapeError) {
      throw new SourceApiError(
        'invalid-response',
        // A shape error's message is the reader's own wording (never the body's text), so it can name the bound hit.
        `backup appliance: ${what}: the body is not a valid session log (${error instanceof SyntaxError ? 'malformed or truncated JSON' : `unexpected shape: ${error.message}`})`,
        { statusCode: 200, cause: error },
      );
    }
    if (error instanceof BodyTooLargeError) {
      // Reading it again would fail the same way; the alert still goes out, from the session's own record.
      throw new SourceApiError(
        'too-large',
        `backup appliance: ${what}: the log is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB; summary from the session only`,
        { statusCode: 200, cause: error },
      );
    }
    throw networkFailure(error, what, transport.origin);
  }
  return held.sink().finish(jobSessionId);
}

/**
 * Entries reach the attempt's own sink as they arrive, so a 100k-entry log never sits in memory whole. The first
 * SINK_AFTER_CHARS wait for the body to prove good, so a small log that is cut short or malformed never opens a sink,
 * and a retried attempt over a small log uses exactly one.
 */
function heldSink<T>(createSink: () => LogSink<T>) {
  let sink: LogSink<T> | undefined;
  let held: LogItem[] = [];
  let heldChars = 0;
  const open = (): LogSink<T> => {
    const opened = createSink();
    for (const item of held) opened.add(item);
    held = [];
    sink = opened;
    return opened;
  };
  return {
    add: (item: LogItem, chars: number): void => {
      if (sink !== undefined) {
        sink.add(item);
        return;
      }
      held.push(item);
      heldChars += chars;
      if (heldChars > SINK_AFTER_CHARS) open();
    },
    sink: (): LogSink<T> => sink ?? open(),
  };
}
