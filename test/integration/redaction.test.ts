import { describe, expect, it } from 'vitest';
import { exposedText } from '../support/fault-matrix.ts';
import { type Harness, harnessPerTest } from '../support/harness.ts';
import { rejection } from '../support/rejection.ts';

const start = harnessPerTest();

/** Every text a secret could leak into: log lines, the thrown error's whole cause chain, and every posted message. */
const everything = (h: Harness, thrown?: unknown): string =>
  [exposedText(h, thrown), ...h.sink.posts.map((post) => post.body)].join('\n');

/** The parts of a webhook URL that carry its secret: the path, each secret-looking segment. */
function secretParts(url: string): string[] {
  const { pathname } = new URL(url);
  return [url, pathname, ...pathname.split('/').filter((segment) => segment.length >= 8)];
}

describe('redaction of webhook secrets echoed by the webhook itself', () => {
  it('keeps a Slack 404 that echoes the webhook path out of the log, the error and its causes', async () => {
    const h = await start();
    const path = new URL(h.sink.urlFor('slack')).pathname;
    h.sink.enqueue('slack', { status: 404, body: `no_service: no webhook at ${path}` });

    const error = await rejection(h.invoke({ sessionId: '38' }));

    expect(error.message).toMatch(/slack .*404 no_service/);
    const text = everything(h, error);
    for (const part of secretParts(h.sink.urlFor('slack'))) expect(text).not.toContain(part);
  });

  it('redacts a lone path segment (the token) when the body echoes only that', async () => {
    const h = await start();
    const token = new URL(h.sink.urlFor('slack')).pathname.split('/').at(-1) ?? '';
    h.sink.enqueue('slack', { status: 403, body: `invalid_token: ${token}` });

    const error = await rejection(h.invoke({ sessionId: '38' }));

    expect(token.length).toBeGreaterThan(8);
    expect(everything(h, error)).not.toContain(token);
  });

  it("keeps a Teams 400 that quotes the whole URL out of the thrown error's cause chain", async () => {
    const h = await start();
    const url = h.sink.urlFor('teams');
    h.sink.enqueue('teams', { status: 400, body: JSON.stringify({ error: { message: `Bad request to ${url}` } }) });

    const error = await rejection(h.invoke({ sessionId: '38' }));

    expect(error.message).toMatch(/teams .*400/);
    const text = everything(h, error);
    for (const part of secretParts(url)) expect(text).not.toContain(part);
  });
});

describe('redaction of short secrets', () => {
  it('keeps a 3-character password echoed by the token endpoint out of the alert and the logs', async () => {
    const h = await start({ BACKUP_API_PASSWORD: 'q7z' });
    h.emulator.enqueueFaults('token', [
      { status: 400, body: { title: 'Sign-in failed', detail: 'password=q7z rejected for notifier' } },
    ]);

    const result = await h.invoke({ sessionId: '38' });

    expect(result).toMatchObject({ outcome: 'unreadable', problem: { failure: 'auth-failed' } });
    expect(h.sink.postsTo('slack')[0]?.body).toContain('password=[redacted] rejected');
    expect(everything(h)).not.toContain('q7z');
  });

  it('leaves words that merely contain a short secret readable', async () => {
    const h = await start({ BACKUP_API_PASSWORD: 'q7z' });
    h.emulator.enqueueFaults('token', [
      { status: 400, body: { title: 'Sign-in failed', detail: 'account q7zeta is locked' } },
    ]);

    await h.invoke({ sessionId: '38' });

    expect(h.sink.postsTo('slack')[0]?.body).toContain('account q7zeta is locked');
  });
});
