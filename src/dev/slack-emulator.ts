// A local stand-in for the Slack Web API (chat.postMessage, chat.update), for tests and `npm start -- --history`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message as the channel holds it: its latest text and blocks, its thread, and how often it was edited. */
export interface EmulatedMessage {
  readonly ts: string;
  readonly threadTs: string | undefined;
  text: string;
  blocks: unknown[];
  edits: number;
}

/** One call the emulator answered (the token is never recorded). */
export interface SlackCall {
  readonly method: string;
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface SlackEmulator {
  /** e.g. http://127.0.0.1:PORT/api: the value for SLACK_API_URL. */
  readonly url: string;
  readonly calls: SlackCall[];
  /** Messages per channel, in posting order. */
  messages(channel: string): EmulatedMessage[];
  /** The next `count` calls answer HTTP 429 with Retry-After `seconds`, or `ok: false` with `error` (e.g. ratelimited). */
  failNext(count: number, answer: { retryAfterSeconds?: number; error?: string }): void;
  /** The channel as a reader sees it: top-level messages with their thread replies indented. */
  transcript(channel: string, render?: (m: EmulatedMessage) => string): string;
  close(): Promise<void>;
}

/** Starts the emulator on 127.0.0.1 port 0; it accepts `token` for `channels` (the app is "in" them). */
export async function startSlackEmulator(options: {
  token: string;
  channels: readonly string[];
}): Promise<SlackEmulator> {
  const channels = new Map<string, EmulatedMessage[]>(options.channels.map((c) => [c, []]));
  const calls: SlackCall[] = [];
  const faults: { retryAfterSeconds?: number; error?: string }[] = [];
  let clock = 1_764_460_800;

  const answer = (res: ServerResponse, status: number, body: Record<string, unknown>, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = (method: string, body: Record<string, unknown>): Record<string, unknown> => {
    const channel = typeof body.channel === 'string' ? body.channel : '';
    const list = channels.get(channel);
    if (list === undefined) return { ok: false, error: 'channel_not_found' };
    if (method === 'chat.postMessage') {
      const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
      if (threadTs !== undefined && !list.some((m) => m.ts === threadTs))
        return { ok: false, error: 'thread_not_found' };
      const ts = `${clock++}.000100`;
      list.push({ ts, threadTs, text: String(body.text ?? ''), blocks: (body.blocks as unknown[]) ?? [], edits: 0 });
      return { ok: true, channel, ts };
    }
    if (method === 'chat.update') {
      const message = list.find((m) => m.ts === body.ts);
      if (message === undefined) return { ok: false, error: 'message_not_found' };
      message.text = String(body.text ?? '');
      message.blocks = (body.blocks as unknown[]) ?? [];
      message.edits++;
      return { ok: true, channel, ts: message.ts };
    }
    return { ok: false, error: 'unknown_method' };
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        return answer(res, 200, { ok: false, error: 'invalid_json' });
      }
      const fault = faults.shift();
      if (fault?.retryAfterSeconds !== undefined) {
        calls.push({ method, status: 429, body });
        return answer(
          res,
          429,
          { ok: false, error: 'ratelimited' },
          { 'retry-after': String(fault.retryAfterSeconds) },
        );
      }
      if (fault?.error !== undefined) {
        calls.push({ method, status: 200, body });
        return answer(res, 200, { ok: false, error: fault.error });
      }
      const result =
        req.headers.authorization === `Bearer ${options.token}`
          ? handle(method, body)
          : { ok: false, error: 'invalid_auth' };
      calls.push({ method, status: 200, body });
      answer(res, 200, result);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const messages = (channel: string) => channels.get(channel) ?? [];
  return {
    url: `http://127.0.0.1:${port}/api`,
    calls,
    messages,
    failNext(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    transcript(channel, render = (m) => m.text) {
      const all = messages(channel);
      return all
        .filter((m) => m.threadTs === undefined)
        .map((parent) => {
          const edited = parent.edits > 0 ? `(edited ${parent.edits}×) ` : '';
          const replies = all
            .filter((m) => m.threadTs === parent.ts)
            .map((r) => `    ↳ ${render(r).replaceAll('\n', '\n      ')}`);
          return [`● ${edited}${render(parent).replaceAll('\n', '\n  ')}`, ...replies].join('\n');
        })
        .join('\n\n');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
