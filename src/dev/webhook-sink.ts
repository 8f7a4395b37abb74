import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the sink received. `name` is the first path segment, e.g. "slack" for /slack/T000/B000/xyz. */
export interface RecordedPost {
  readonly name: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly json: unknown;
}

/** A scripted answer for the next request to a name: a status, a hang (for timeouts) or a dropped connection. */
export interface SinkReply {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly delayMs?: number;
  readonly hang?: boolean;
  readonly destroy?: boolean;
}

export interface WebhookSink {
  readonly url: string;
  /** A webhook URL on this sink for `name`, with a secret-looking path like the real ones. */
  urlFor(name: string): string;
  readonly posts: RecordedPost[];
  postsTo(name: string): RecordedPost[];
  /** Queues replies for the next requests to `name`; once used up, requests get the default answer again. */
  enqueue(name: string, ...replies: SinkReply[]): void;
  close(): Promise<void>;
}

// What the real services answer on success: Slack "200 ok", Teams Workflows and PagerDuty "202 Accepted".
const DEFAULT_REPLY: Record<string, SinkReply> = {
  slack: { status: 200, body: 'ok' },
  teams: { status: 202, body: '' },
  pagerduty: {
    status: 202,
    headers: { 'content-type': 'application/json' },
    body: '{"status":"success","message":"Event processed"}',
  },
};

/** Starts a local chat-webhook sink on 127.0.0.1 (port 0) that records every POST; `onPost` sees each one. */
export async function startWebhookSink(options: { onPost?: (post: RecordedPost) => void } = {}): Promise<WebhookSink> {
  const posts: RecordedPost[] = [];
  const queues = new Map<string, SinkReply[]>();
  const hanging = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const name = path.split('/')[1] ?? '';
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const post = { name, path, headers: req.headers, body, json };
      posts.push(post);
      options.onPost?.(post);
      const reply = queues.get(name)?.shift() ?? DEFAULT_REPLY[name] ?? { status: 200, body: 'ok' };
      if (reply.destroy) {
        req.socket.destroy();
        return;
      }
      if (reply.hang) {
        hanging.add(res);
        return;
      }
      const send = () => {
        res.writeHead(reply.status ?? 200, { 'content-type': 'text/plain', ...reply.headers });
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    urlFor: (name) => `${url}/${name}/T0SECRET/B0SECRET/${name}-webhook-secret-path-0123456789`,
    posts,
    postsTo: (name) => posts.filter((p) => p.name === name),
    enqueue: (name, ...replies) => queues.set(name, [...(queues.get(name) ?? []), ...replies]),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
