// `npm run schema`: writes docs/generic-webhook.schema.json from the zod schema, the single source of truth.
import { writeFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { GenericWebhookSchema } from '../src/core/render/generic.ts';

/** The JSON Schema (2020-12) of the generic webhook body, version 1, as published in docs/. */
export function genericWebhookJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(GenericWebhookSchema) as Record<string, unknown>;
  return {
    $schema,
    $id: 'urn:job-session-notifier:generic-webhook:v1',
    title: 'job-session-notifier generic webhook body, schema version 1',
    description:
      'POSTed as JSON to GENERIC_WEBHOOK_URL once per job session. Text is raw (not escaped). Additive changes keep schemaVersion 1; breaking changes bump it.',
    ...rest,
  };
}

export const SCHEMA_PATH = new URL('../docs/generic-webhook.schema.json', import.meta.url);

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(SCHEMA_PATH, `${JSON.stringify(genericWebhookJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${SCHEMA_PATH.pathname}`);
}
