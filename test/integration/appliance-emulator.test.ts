import { Agent, request } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type ApplianceEmulator, startApplianceEmulator } from '../../src/dev/appliance-emulator.ts';
import { generatedSample, SAMPLE_SESSIONS } from '../../src/dev/sample-sessions.ts';

const dispatcher = new Agent({ keepAliveTimeout: 1_000 });
let emulator: ApplianceEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

afterAll(async () => {
  await dispatcher.close();
});

async function signIn(target: ApplianceEmulator): Promise<string> {
  const response = await request(`${target.url}/api/oauth2/token`, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Username=notifier&Password=s3cret-Passw0rd!&grant_type=Password',
  });
  const body = (await response.body.json()) as { access_token: string };
  return body.access_token;
}

async function get(target: ApplianceEmulator, path: string, token?: string) {
  const response = await request(`${target.url}${path}`, {
    dispatcher,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.statusCode, headers: response.headers, body: (await response.body.json()) as unknown };
}

describe('startApplianceEmulator', () => {
  it('accepts the documented password grant with capitalised field names', async () => {
    emulator = await startApplianceEmulator();

    expect(await signIn(emulator)).toMatch(/^at-/);
  });

  it('answers 401 problem+json to a log request without a token', async () => {
    emulator = await startApplianceEmulator();

    const answer = await get(emulator, '/api/v1/jobSessions/38/log');

    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ status: 401, title: 'Unauthorized' });
  });

  it('answers 404 with the documented problem fields for an unknown session', async () => {
    emulator = await startApplianceEmulator();
    const token = await signIn(emulator);

    const answer = await get(emulator, '/api/v1/jobSessions/999/log', token);

    expect(answer.status).toBe(404);
    expect(Object.keys(answer.body as object).sort()).toEqual([
      'detail',
      'instance',
      'status',
      'title',
      'traceId',
      'type',
    ]);
  });

  it('serves session metadata with the policy name and the documented 7m 38s duration', async () => {
    emulator = await startApplianceEmulator();
    const token = await signIn(emulator);

    const answer = await get(emulator, '/api/v8.1/jobSessions/38', token);

    expect(answer.body).toMatchObject({
      id: '38',
      type: 'PolicyBackup',
      status: 'Success',
      executionDuration: '00:07:38.0538300',
      backupJobInfo: { policyName: 'Daily-tw-vm2' },
    });
  });

  it('pages the session list with case-sensitive Offset and Limit', async () => {
    emulator = await startApplianceEmulator();
    const token = await signIn(emulator);

    const page = await get(emulator, '/api/v1/jobSessions?Offset=1&Limit=2', token);
    const lowercase = await get(emulator, '/api/v1/jobSessions?offset=3&limit=1', token);

    expect(page.body).toMatchObject({ offset: 1, limit: 2, totalCount: SAMPLE_SESSIONS.size });
    expect((page.body as { results: { id: string }[] }).results.map((s) => s.id)).toEqual(['77', '52']);
    expect(lowercase.body).toMatchObject({ offset: 0, limit: 100 });
  });

  it('rejects a negative Offset with validation errors', async () => {
    emulator = await startApplianceEmulator();
    const token = await signIn(emulator);

    const answer = await get(emulator, '/api/v1/jobSessions?Offset=-1', token);

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ errors: { Offset: [expect.any(String)] } });
  });

  it('applies queued faults in order, then the persistent one, then answers normally', async () => {
    emulator = await startApplianceEmulator();
    const token = await signIn(emulator);
    emulator.enqueueFaults('session', [{ status: 503 }, { status: 429, headers: { 'retry-after': '1' } }]);

    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(emulator, '/api/v1/jobSessions/38', token)).status);

    expect(statuses).toEqual([503, 429, 200]);
    expect(emulator.requestsTo('session').map((r) => r.fault)).toEqual(['503', '429', undefined]);
  });

  it('streams a 20,000-entry log in chunks without Content-Length', async () => {
    emulator = await startApplianceEmulator({ sessions: [generatedSample('big', 20_000, 7)] });
    const token = await signIn(emulator);

    const response = await request(`${emulator.url}/api/v1/jobSessions/big/log`, {
      dispatcher,
      headers: { authorization: `Bearer ${token}` },
    });
    let bytes = 0;
    let chunks = 0;
    for await (const chunk of response.body) {
      bytes += (chunk as Buffer).length;
      chunks++;
    }

    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(bytes).toBeGreaterThan(3_000_000);
    expect(chunks).toBeGreaterThan(20);
  });

  it('closes promptly while a request hangs', async () => {
    emulator = await startApplianceEmulator();
    emulator.setFault('log', { kind: 'hang' });
    const pending = request(`${emulator.url}/api/v1/jobSessions/38/log`, { dispatcher }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const started = Date.now();
    await emulator.close();
    emulator = undefined;

    expect(Date.now() - started).toBeLessThan(500);
    expect(await pending).toBeInstanceOf(Error);
  });
});
