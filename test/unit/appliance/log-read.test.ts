import type { OutgoingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { listAllSessions, type SessionLister } from '../../../src/appliance/list-sessions.ts';
import { readLogOnce } from '../../../src/appliance/log-read.ts';
import { createTransport } from '../../../src/appliance/transport.ts';
import type { JobSessionPage, JobSessionQuery } from '../../../src/core/job-session.ts';
import type { LogItem } from '../../../src/core/session-log.ts';
import { deadlineIn } from '../../../src/deadline.ts';
import { NotifierError, SourceApiError } from '../../../src/errors.ts';
import type { LogSink } from '../../../src/ports.ts';
import { loopbackServers } from '../../support/appliance-servers.ts';
import { rejection } from '../../support/rejection.ts';

const ITEM: LogItem = {
  status: 'Success',
  message: 'Backup finished',
  executionStartTime: '2026-11-30T10:00:00Z',
  logTime: '2026-11-30T10:05:00Z',
  executionDuration: '00:05:00',
};

const loopback = loopbackServers();

/** A loopback server answering every request with `status`, `headers` and `body`. */
async function logServer(status: number, headers: OutgoingHttpHeaders, body: string) {
  const origin = await loopback.serve((_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  });
  return { transport: createTransport({ origin, agents: loopback.agents() }) };
}

function sinks() {
  const created: LogItem[][] = [];
  const createSink = (): LogSink<{ id: string | null; items: LogItem[] }> => {
    const items: LogItem[] = [];
    created.push(items);
    return { add: (item) => void items.push(item), finish: (id) => ({ id, items }) };
  };
  return { created, createSink };
}

const attempt = () => ({ attempt: 1, timeoutMs: 10_000, signal: new AbortController().signal });
const request = { sessionId: '38', path: '/api/v1/jobSessions/38/log', accessToken: 'at-1' };

describe('readLogOnce', () => {
  it.each([['application/json; charset=utf-8'], ['Application/Problem+JSON'], [undefined]])(
    'reads a log served as %s into one sink, with its session ID',
    async (type) => {
      const body = JSON.stringify({ jobSessionId: '38', log: [ITEM, ITEM] });
      const { transport } = await logServer(200, type === undefined ? {} : { 'content-type': type }, body);
      const { created, createSink } = sinks();

      const result = await readLogOnce(transport, request, attempt(), createSink);

      expect(result).toEqual({ id: '38', items: [ITEM, ITEM] });
      expect(created).toHaveLength(1);
    },
  );

  it('feeds a log larger than 256 KB into one sink, in order', async () => {
    const items = Array.from({ length: 3_000 }, (_, i) => ({ ...ITEM, message: `step ${i} ${'x'.repeat(80)}` }));
    const { transport } = await logServer(200, {}, JSON.stringify({ jobSessionId: 38, log: items }));
    const { created, createSink } = sinks();

    const result = await readLogOnce(transport, request, attempt(), createSink);

    expect(result.id).toBe('38');
    expect(result.items).toEqual(items);
    expect(created).toHaveLength(1);
  });

  it('names the type it got instead of JSON, without its parameters, and opens no sink', async () => {
    const { transport } = await logServer(200, { 'content-type': 'text/plain; charset=utf-8' }, 'hello');
    const { created, createSink } = sinks();

    const error = await rejection(readLogOnce(transport, request, attempt(), createSink), SourceApiError);

    expect(error.failure).toBe('invalid-response');
    expect(error.statusCode).toBe(200);
    expect(error.message).toBe(
      'backup appliance: reading the log of session 38: expected JSON but got text/plain (a proxy or login page in the way?)',
    );
    expect(created).toHaveLength(0);
  });

  it('says "another type" when the content type is blank', async () => {
    const { transport } = await logServer(200, { 'content-type': ' ' }, 'hello');

    const error = await rejection(readLogOnce(transport, request, attempt(), sinks().createSink), SourceApiError);

    expect(error.message).toContain('expected JSON but got another type (a proxy');
  });

  it('maps a non-200 answer by its status, naming the requested path', async () => {
    const { transport } = await logServer(404, { 'content-type': 'application/json' }, '{"title":"Not Found"}');

    const error = await rejection(readLogOnce(transport, request, attempt(), sinks().createSink), SourceApiError);

    expect(error.failure).toBe('not-found');
    expect(error.message).toBe(
      'backup appliance: session 38 was not found (404): Not Found; requested GET /api/v1/jobSessions/38/log',
    );
  });

  it('says which rule a log of the wrong shape broke', async () => {
    const { transport } = await logServer(200, {}, JSON.stringify({ jobSessionId: '38', log: 'nope' }));

    const error = await rejection(readLogOnce(transport, request, attempt(), sinks().createSink), SourceApiError);

    expect(error.failure).toBe('invalid-response');
    expect(error.statusCode).toBe(200);
    expect(error.message).toMatch(
      /^backup appliance: reading the log of session 38: the body is not a valid session log \(unexpected shape: .+\)$/,
    );
  });

  it('calls cut-off JSON malformed or truncated', async () => {
    const { transport } = await logServer(200, {}, '{"jobSessionId":"38","log":[');

    const error = await rejection(readLogOnce(transport, request, attempt(), sinks().createSink), SourceApiError);

    expect(error.message).toBe(
      'backup appliance: reading the log of session 38: the body is not a valid session log (malformed or truncated JSON)',
    );
  });
});

/** A lister serving `pages` in order, recording each query; past the end it repeats the last page. */
function scriptedLister(pages: JobSessionPage[]): SessionLister & { queries: JobSessionQuery[] } {
  const queries: JobSessionQuery[] = [];
  return {
    queries,
    async listSessions(query) {
      queries.push(query);
      return pages[Math.min(queries.length - 1, pages.length - 1)] ?? {};
    },
  };
}

const session = (id: string) => ({ id, status: 'Success' });

describe('listAllSessions', () => {
  it('stops when the offset reaches totalCount exactly', async () => {
    const lister = scriptedLister([
      { offset: 0, totalCount: 4, results: [session('a'), session('b')] },
      { offset: 2, totalCount: 4, results: [session('c'), session('d')] },
      { offset: 4, totalCount: 4, results: [session('e')] },
    ]);

    const { sessions, pages } = await listAllSessions(lister, {}, 2, deadlineIn(5_000));

    expect(sessions.map((s) => s.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(pages).toBe(2);
    expect(lister.queries.map((q) => q.Offset)).toEqual([0, 2]);
  });

  it("moves on by what the server served, not what a dialect's filter kept", async () => {
    const lister = scriptedLister([
      { offset: 0, totalCount: 10, served: 5, results: [session('a')] },
      { offset: 5, totalCount: 10, served: 5, results: [] },
    ]);

    const { sessions, pages } = await listAllSessions(lister, {}, 5, deadlineIn(5_000));

    expect(sessions.map((s) => s.id)).toEqual(['a']);
    expect(pages).toBe(2);
    expect(lister.queries.map((q) => [q.Offset, q.Limit])).toEqual([
      [0, 5],
      [5, 5],
    ]);
  });

  it('keeps its own offset when the server does not echo one, and stops at a page without results', async () => {
    const lister = scriptedLister([{ results: [session('a'), session('b')] }, { results: null }]);

    const { sessions, pages } = await listAllSessions(lister, { Types: ['PolicyBackup'] }, 2, deadlineIn(5_000));

    expect(sessions).toHaveLength(2);
    expect(pages).toBe(2);
    expect(lister.queries).toEqual([
      { Types: ['PolicyBackup'], Offset: 0, Limit: 2 },
      { Types: ['PolicyBackup'], Offset: 2, Limit: 2 },
    ]);
  });

  it('accepts a list that ends on its 1,000th page', async () => {
    const lister = scriptedLister([{ totalCount: 1_000, results: [session('x')] }]);

    const { sessions, pages } = await listAllSessions(lister, {}, 1, deadlineIn(5_000));

    expect(pages).toBe(1_000);
    expect(sessions).toHaveLength(1_000);
  });

  it('gives up after 1,000 pages of a list that never ends, as a permanent paging failure', async () => {
    const lister = scriptedLister([{ results: [session('x')] }]);

    const error = await rejection(listAllSessions(lister, {}, 1, deadlineIn(5_000)), NotifierError);

    expect(error.code).toBe('SOURCE_PAGING');
    expect(error.message).toBe('the session list did not end after 1000 pages');
    expect(error.retryable).toBe(false);
    expect(lister.queries).toHaveLength(1_000);
  });
});
