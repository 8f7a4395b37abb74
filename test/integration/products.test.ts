import { describe, expect, it } from 'vitest';
import { DEFAULT_API_VERSION } from '../../src/appliance/dialects/index.ts';
import { PRODUCT_SAMPLES, type VendorProduct } from '../../src/dev/emulators/samples.ts';
import { PRODUCT_USER, productHarnessPerTest } from '../support/product-harness.ts';

const start = productHarnessPerTest();
const PRODUCTS: VendorProduct[] = ['vbr', 'aws', 'gcp'];
const sample = (product: VendorProduct, n: number) => {
  const found = PRODUCT_SAMPLES[product][n - 1];
  if (found === undefined) throw new Error(`no sample ${n} for ${product}`);
  return found.spec;
};
const form = (body: string) => Object.fromEntries(new URLSearchParams(body));

describe.each(PRODUCTS)('BACKUP_PRODUCT=%s through the real handler', (product) => {
  it.each([
    [1, 'succeeded'],
    [2, 'failed'],
    [3, 'warning'],
    [4, 'failed'],
    [5, 'canceled'],
  ] as const)(
    'maps sample %i to the outcome %s and posts it to Slack, Teams and the generic webhook',
    async (n, outcome) => {
      const h = await start(product);
      const spec = sample(product, n);

      const result = await h.invoke({ sessionId: spec.id });

      expect(result).toMatchObject({ sessionId: spec.id, outcome, delivered: ['slack', 'teams', 'generic'] });
      expect(h.posted()).toContain(product === 'aws' ? 'Unknown job' : spec.name);
    },
  );

  it('sends the default x-api-version on every call, the token call included', async () => {
    const h = await start(product);

    await h.invoke({ sessionId: sample(product, 4).id });

    const routes = product === 'gcp' ? ['session', 'token'] : ['log', 'objects', 'session', 'token'];
    expect(h.emulator.requests.map((r) => r.route).sort()).toEqual(routes);
    for (const request of h.emulator.requests) {
      expect(request.headers['x-api-version'], request.path).toBe(DEFAULT_API_VERSION[product]);
    }
  });

  it('sends the configured BACKUP_API_VERSION instead', async () => {
    const h = await start(product, { BACKUP_API_VERSION: '1.3-rev0' });

    await h.invoke({ sessionId: sample(product, 1).id });

    expect(new Set(h.emulator.requests.map((r) => r.headers['x-api-version']))).toEqual(new Set(['1.3-rev0']));
  });

  it('reports an unsupported version as an alert that names BACKUP_API_VERSION', async () => {
    const h = await start(product, { BACKUP_API_VERSION: '9.9-rev0' });

    const result = await h.invoke({ sessionId: sample(product, 1).id });

    expect(result).toMatchObject({ outcome: 'unreadable', problem: { failure: 'auth-failed' } });
    expect(h.posted()).toContain('BACKUP_API_VERSION');
    expect(h.posted()).toContain('9.9-rev0');
  });

  it('signs in with the password grant, renews with the refresh grant after a 401 and never reuses a refresh token', async () => {
    const h = await start(product);
    const id = sample(product, 1).id;

    await h.invoke({ sessionId: id });
    h.emulator.revokeAccessTokens();
    await h.invoke({ sessionId: id });
    h.emulator.revokeAccessTokens();
    const last = await h.invoke({ sessionId: id });

    const grants = h.emulator.requestsTo('token').map((r) => form(r.body));
    expect(grants.map((g) => g.grant_type)).toEqual(['password', 'refresh_token', 'refresh_token']);
    expect(grants[0]).toMatchObject({ username: PRODUCT_USER.username, password: PRODUCT_USER.password });
    expect(grants[1]?.refresh_token).toMatch(/^rt-/);
    expect(grants[2]?.refresh_token).not.toBe(grants[1]?.refresh_token);
    expect(last).toMatchObject({ outcome: 'succeeded' });
  });

  it('alerts that a static token was rejected (401) and says it cannot be renewed', async () => {
    const h = await start(product, {
      BACKUP_API_USERNAME: undefined,
      BACKUP_API_PASSWORD: undefined,
      BACKUP_API_TOKEN: 'static-token-the-appliance-never-issued',
    });

    const result = await h.invoke({ sessionId: sample(product, 1).id });

    expect(result).toMatchObject({ outcome: 'unreadable', problem: { failure: 'auth-failed', statusCode: 401 } });
    expect(h.posted()).toContain('static token cannot be renewed');
    expect(h.emulator.requestsTo('token')).toHaveLength(0);
    expect(h.output.join('')).not.toContain('static-token-the-appliance-never-issued');
  });

  it('alerts that the session was not found on a 404, with no secret in the logs', async () => {
    const h = await start(product);

    const result = await h.invoke({ sessionId: '11111111-2222-4333-8444-555555555555' });

    expect(result).toMatchObject({ outcome: 'unreadable', problem: { failure: 'not-found', statusCode: 404 } });
    expect(h.posted()).toContain('not found');
    expect(h.output.join('')).not.toContain(PRODUCT_USER.password);
  });

  it('alerts when the log cannot be read (403) instead of staying silent', async () => {
    const h = await start(product);
    const route = product === 'gcp' ? 'session' : 'log';
    h.emulator.enqueueFaults(route, [{ status: 403 }, { status: 403 }]);

    const result = await h.invoke({ sessionId: sample(product, 2).id });

    expect(result).toMatchObject({ outcome: 'unreadable', problem: { failure: 'forbidden', statusCode: 403 } });
    expect(h.sink.postsTo('slack')).toHaveLength(1);
  });
});

describe('Backup & Replication messages', () => {
  it('show the job result message, the failed machines first and the progress statistics (1.3-rev2)', async () => {
    const h = await start('vbr', { BACKUP_API_VERSION: '1.3-rev2' });

    await h.invoke({ sessionId: sample('vbr', 4).id });

    const posted = h.posted();
    expect(posted).toContain('3 of 40 objects failed to process');
    expect(posted).toContain('3 of 40 machines failed: db-01, app-02, app-07; 1 with warnings: web-03');
    expect(posted).toContain('Processed 120.0 GB · Read 80.0 GB · Transferred 40.0 GB · 212 MB/s · Bottleneck: Source');
    const generic = h.sink.postsTo('generic')[0]?.json;
    expect(generic).toMatchObject({
      resultMessage: '3 of 40 objects failed to process',
      objects: { noun: 'machines', total: 40, failed: 3, warning: 1, failedNames: ['db-01', 'app-02', 'app-07'] },
      progress: { processedBytes: 128_849_018_880, bottleneck: 'Source' },
    });
  });

  it('read the log from /logs and the machines from /taskSessions, in parallel with the session', async () => {
    const h = await start('vbr');
    const id = sample('vbr', 4).id;

    await h.invoke({ sessionId: id });

    expect(h.emulator.requestsTo('log').map((r) => r.path)).toEqual([`/api/v1/sessions/${id}/logs`]);
    expect(h.emulator.requestsTo('objects').map((r) => r.path)).toEqual([`/api/v1/sessions/${id}/taskSessions`]);
    expect(h.emulator.requestsTo('token')[0]?.path).toBe('/api/oauth2/token');
  });

  it('omit the machines line on 12.0 (1.1-rev0), which has no task sessions, and never ask for them', async () => {
    const h = await start('vbr', { BACKUP_API_VERSION: '1.1-rev0' });

    const result = await h.invoke({ sessionId: sample('vbr', 4).id });

    expect(result).toMatchObject({ outcome: 'failed' });
    expect(h.emulator.requestsTo('objects')).toHaveLength(0);
    expect(h.posted()).not.toContain('machines failed');
    expect(h.posted()).toContain('Production Fleet');
  });

  it('count informational records (status None) as neither good nor bad news', async () => {
    const h = await start('vbr');

    await h.invoke({ sessionId: sample('vbr', 1).id });

    expect(h.posted()).toContain('4 steps: 3 Succeeded, 1 Info');
    expect(h.posted()).toContain('All 2 machines succeeded');
  });
});

describe('Backup for AWS messages', () => {
  it('list the failed instances from /protectedItems and read the log from /log', async () => {
    const h = await start('aws', { BACKUP_API_VERSION: '1.7-rev0' });
    const id = sample('aws', 4).id;

    await h.invoke({ sessionId: id });

    expect(h.posted()).toContain('3 of 40 instances failed: db-01, app-02, app-07');
    expect(h.posted()).toContain('Production Fleet');
    expect(h.emulator.requestsTo('log').map((r) => r.path)).toEqual([`/api/v1/sessions/${id}/log`]);
    expect(h.emulator.requestsTo('token')[0]?.path).toBe('/api/v1/token');
  });
});

describe('Backup for Google Cloud messages', () => {
  it('are built from the session alone and say that step details are not available', async () => {
    const h = await start('gcp');

    const result = await h.invoke({ sessionId: sample('gcp', 2).id });

    expect(result).toMatchObject({ outcome: 'failed' });
    expect(h.emulator.requestsTo('session')).toHaveLength(1);
    expect(h.emulator.requestsTo('log')).toHaveLength(0);
    expect(h.posted()).toContain('Step details are not available for Veeam Backup for Google Cloud');
    expect(h.posted()).toContain('Failed to connect to the backup repository');
    expect(h.sink.postsTo('generic')[0]?.json).toMatchObject({ note: expect.stringContaining('session alone') });
  });
});
