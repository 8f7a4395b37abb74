// Sequential round trips, counted from timestamps: a recording proxy in front of each local server (appliance
// emulator, webhook sink, Secrets Manager, DynamoDB) holds every request for a fixed delay, like a network would, and
// records when it arrived and when its answer was sent. A request depends on another if it started after that one's
// answer ended; the longest such chain ending at the first post is what a notification waits for.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Trip {
  readonly server: string;
  readonly method: string;
  readonly path: string;
  /** Epoch ms (sub-ms precision): the request reached the proxy / the answer was sent back. */
  readonly start: number;
  end: number;
}

export interface RecordingProxy {
  readonly url: string;
  close(): Promise<void>;
}

const now = (): number => performance.timeOrigin + performance.now();

/** A proxy to `upstream` recording every request into `trips` under `server`, each held `delayMs` before it is sent. */
export async function startRecordingProxy(
  server: string,
  upstream: string,
  delayMs: number,
  trips: Trip[],
): Promise<RecordingProxy> {
  const agent = new http.Agent({ keepAlive: true });
  const target = new URL(upstream);
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, trip: Trip): void => {
    const { host: _host, ...headers } = req.headers;
    const out = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    res.on('close', () => {
      trip.end = now();
    });
    out.end(body);
  };
  const proxy = http.createServer((req, res) => {
    const trip: Trip = { server, method: req.method ?? '', path: req.url ?? '', start: now(), end: Number.NaN };
    trips.push(trip);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => setTimeout(() => forward(req, res, Buffer.concat(chunks), trip), delayMs));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    close: async () => {
      agent.destroy();
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

/** A short readable name of a trip: the server, and for the appliance the route. */
export function tripLabel(trip: Trip): string {
  if (trip.server !== 'appliance') return trip.server;
  if (trip.path.includes('/oauth2/token')) return 'token';
  if (/\/jobSessions\/[^/?]+\/log/.test(trip.path)) return 'log';
  if (/\/jobSessions\/[^/?]+\/protectedItems/.test(trip.path)) return 'objects';
  if (/\/jobSessions\/[^/?]+/.test(trip.path)) return 'session';
  return 'list';
}

/**
 * The longest chain of strictly sequential trips (each starting after the previous one's answer ended) that ends with
 * the first trip to `to`, among `trips` that started at or after `from`; empty if no trip went to `to`.
 */
export function criticalPath(trips: readonly Trip[], from: number, to: string): Trip[] {
  const window = trips.filter((t) => t.start >= from).sort((a, b) => a.start - b.start);
  const last = window.find((t) => t.server === to);
  if (last === undefined) return [];
  const best = new Map<Trip, Trip[]>();
  for (const trip of window) {
    let longest: Trip[] = [];
    for (const before of window) {
      const chain = best.get(before);
      if (chain === undefined || before.end > trip.start) continue;
      // Of equally long chains, the one whose last answer came latest is the one this request waited for.
      const later = chain.length === longest.length && before.end > (longest.at(-1)?.end ?? 0);
      if (chain.length > longest.length || later) longest = chain;
    }
    best.set(trip, [...longest, trip]);
    if (trip === last) break;
  }
  return best.get(last) ?? [];
}
