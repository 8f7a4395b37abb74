import { truncate } from './render/escape.ts';
import { normalizeStatus } from './status.ts';

/** One protected object (VM, instance, database) of a session and how it ended, as the appliance reported it. */
export interface ObjectResult {
  readonly name: string;
  readonly status: string;
}

/** The per-object results of a session: counts, and the names of the failed and warning objects (capped). */
export interface ObjectResults {
  /** What the objects are, plural: "machines", "instances", "objects". */
  readonly noun: string;
  readonly total: number;
  readonly failedCount: number;
  readonly warningCount: number;
  /** Failed names first in appliance order, at most MAX_OBJECT_NAMES_KEPT. */
  readonly failed: readonly string[];
  readonly warnings: readonly string[];
}

/** No message shows more names than this. */
export const MAX_OBJECT_NAMES_KEPT = 50;

/** Counts the objects by severity (case-insensitive statuses) and keeps the first names of the problem ones. */
export function summarizeObjects(items: Iterable<ObjectResult>, noun: string, total?: number): ObjectResults {
  const failed: string[] = [];
  const warnings: string[] = [];
  let failedCount = 0;
  let warningCount = 0;
  let seen = 0;
  for (const item of items) {
    seen++;
    const severity = normalizeStatus(item.status).severity;
    const name = truncate(item.name.trim() === '' ? '(unnamed)' : item.name.trim(), 200);
    if (severity === 'failed') {
      failedCount++;
      if (failed.length < MAX_OBJECT_NAMES_KEPT) failed.push(name);
    } else if (severity === 'warning') {
      warningCount++;
      if (warnings.length < MAX_OBJECT_NAMES_KEPT) warnings.push(name);
    }
  }
  return { noun, total: Math.max(total ?? seen, seen), failedCount, warningCount, failed, warnings };
}

/** Names joined until `max` code units, then ", …". */
function names(list: readonly string[], count: number, max: number): string {
  let text = '';
  for (const [i, name] of list.entries()) {
    const next = i === 0 ? name : `${text}, ${name}`;
    if (next.length > max - 3) return i === 0 ? truncate(name, max) : `${text}, …`;
    text = next;
  }
  return count > list.length ? `${text}, …` : text;
}

/**
 * One line about the objects within `max` code units, failures first: "3 of 40 machines failed: db-01, app-02, …;
 * 1 with warnings: web-03"; "All 40 machines succeeded" when none failed or warned; null when there were none.
 */
export function describeObjects(objects: ObjectResults | null | undefined, max: number): string | null {
  if (!objects || objects.total === 0) return null;
  const { total, failedCount, warningCount } = objects;
  // "1 of 1 machine failed", not "machines".
  const noun = total === 1 ? objects.noun.replace(/s$/, '') : objects.noun;
  if (failedCount === 0 && warningCount === 0) {
    return truncate(total === 1 ? `1 ${noun} succeeded` : `All ${total} ${noun} succeeded`, max);
  }
  const parts: string[] = [];
  const budget = Math.max(20, Math.floor(max / (failedCount > 0 && warningCount > 0 ? 2 : 1)) - 30);
  if (failedCount > 0)
    parts.push(`${failedCount} of ${total} ${noun} failed: ${names(objects.failed, failedCount, budget)}`);
  if (warningCount > 0) {
    const head = failedCount > 0 ? `${warningCount} with warnings` : `${warningCount} of ${total} ${noun} had warnings`;
    parts.push(`${head}: ${names(objects.warnings, warningCount, budget)}`);
  }
  return truncate(parts.join('; '), max);
}
