import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { genericWebhookJsonSchema, SCHEMA_PATH } from '../../../scripts/generic-webhook-schema.ts';
import { GenericWebhookSchema, renderGeneric } from '../../../src/core/render/generic.ts';
import { summarize } from '../../../src/core/summarize.ts';

describe('renderGeneric', () => {
  it('produces a version-1 body that its own schema accepts, with raw (unescaped) text', () => {
    const body = renderGeneric(
      {
        kind: 'summary',
        summary: summarize('5', { log: [{ status: 'Error', message: '<!channel> *disk* & @here' }] }),
      },
      'backup.example.com',
    );

    expect(GenericWebhookSchema.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({
      schemaVersion: 1,
      outcome: 'failed',
      headline: '❌ Unknown job failed — session 5',
      job: { policyName: null, detailsAvailable: false },
      problems: [{ severity: 'failed', status: 'Error', message: '<!channel> *disk* & @here', at: null }],
      source: { appliance: 'backup.example.com', notifier: 'job-session-notifier' },
    });
  });
});

describe('docs/generic-webhook.schema.json', () => {
  it('is exactly what the zod schema generates (run `npm run schema` after changing it)', () => {
    const published = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as unknown;
    expect(published).toEqual(genericWebhookJsonSchema());
    expect(published).toMatchObject({ properties: { schemaVersion: { const: 1 } } });
  });
});
