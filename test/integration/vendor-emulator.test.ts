import { afterEach, describe, expect, it } from 'vitest';
import { PRODUCT_SAMPLES } from '../../src/dev/emulators/samples.ts';
import { startVendorEmulator, type VendorEmulator } from '../../src/dev/emulators/vendor.ts';

const open: VendorEmulator[] = [];
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
});

async function emulator(product: 'vbr' | 'aws' | 'gcp') {
  const e = await startVendorEmulator({ product, users: [{ username: 'u', password: 'p' }] });
  open.push(e);
  return e;
}

async function token(e: VendorEmulator, headers: Record<string, string>) {
  const path = e.product === 'vbr' ? '/api/oauth2/token' : '/api/v1/token';
  const response = await fetch(`${e.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: 'grant_type=password&username=u&password=p',
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('the vendor emulator', () => {
  it('refuses a Backup & Replication call without x-api-version with its Error body', async () => {
    const e = await emulator('vbr');

    const answer = await token(e, {});

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      errorCode: 'UnexpectedContent',
      message: 'The x-api-version header is required.',
      resourceId: null,
    });
  });

  it("answers AWS's distinct problem types for a missing, unsupported and ambiguous version", async () => {
    const e = await emulator('aws');

    const missing = await token(e, {});
    const unsupported = await token(e, { 'x-api-version': '9.9-rev0' });
    const invalid = await token(e, { 'x-api-version': 'latest' });

    expect(missing.type).toContain('application/problem+json');
    expect(missing.body).toMatchObject({ type: '/api/v1/problems/apiVersionUnspecified', status: 400 });
    expect(unsupported.body).toMatchObject({ type: '/api/v1/problems/unsupportedApiVersion' });
    expect(invalid.body).toMatchObject({ type: '/api/v1/problems/invalidApiVersion' });
  });

  it('lets a Google Cloud token call without the header through, as a community script relies on, but not a session read', async () => {
    const e = await emulator('gcp');

    const signedIn = await token(e, {});
    const id = PRODUCT_SAMPLES.gcp[0]?.spec.id ?? '';
    const read = await fetch(`${e.url}/api/v1/sessions/${id}`, {
      headers: { authorization: `Bearer ${String(signedIn.body.access_token)}` },
    });

    expect(signedIn.status).toBe(200);
    expect(read.status).toBe(400);
  });

  it('serves Backup & Replication 1.3-rev2 progress and 1.1-rev0 activityId as the specs have them', async () => {
    const e = await emulator('vbr');
    const id = PRODUCT_SAMPLES.vbr[3]?.spec.id ?? '';
    const read = async (version: string) => {
      const t = await token(e, { 'x-api-version': version });
      const response = await fetch(`${e.url}/api/v1/sessions/${id}`, {
        headers: { authorization: `Bearer ${String(t.body.access_token)}`, 'x-api-version': version },
      });
      return (await response.json()) as Record<string, unknown>;
    };

    expect(await read('1.3-rev2')).toMatchObject({ jobId: expect.any(String), progress: { bottleneck: 'Source' } });
    const old = await read('1.1-rev0');
    expect(old).toMatchObject({ activityId: expect.any(String), sessionType: 'Job' });
    expect(old).not.toHaveProperty('progress');
  });
});
