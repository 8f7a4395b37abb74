import { readFileSync } from 'node:fs';

/** A fresh copy of a sample event from events/<name>.json, safe to modify in a test. */
export function loadEvent<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../events/${name}.json`, import.meta.url), 'utf8')) as T;
}
