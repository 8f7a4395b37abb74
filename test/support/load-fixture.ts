import { readFileSync } from 'node:fs';
import { type SessionLog, SessionLogSchema } from '../../src/core/session-log.ts';

/** Loads test/fixtures/session-logs/<name>.json through the real schema, so fixtures cannot drift from what the API client accepts. */
export function loadSessionLog(name: string): SessionLog {
  const url = new URL(`./fixtures/session-logs/${name}.json`, import.meta.url);
  return SessionLogSchema.parse(JSON.parse(readFileSync(url, 'utf8')));
}
