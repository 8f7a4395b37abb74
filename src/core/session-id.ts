import * as z from 'zod/mini';

// v1 appliances number their sessions; v3 and later use UUIDs. Nothing else may reach the request path.
const INTEGER_ID = /^\d{1,19}$/;
const UUID_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Returns the canonical session ID, or null when the value is neither a non-negative integer nor a UUID. */
export function normalizeSessionId(value: unknown): string | null {
  let text: string;
  if (typeof value === 'number') text = Number.isSafeInteger(value) && value >= 0 ? String(value) : '';
  else if (typeof value === 'string') text = value;
  else return null;
  return INTEGER_ID.test(text) || UUID_ID.test(text) ? text.toLowerCase() : null;
}

/**
 * A job session ID as events carry it: a non-negative integer (number or digits) or a UUID.
 * @example "38" | 38 | "7c4b8f0e-3a65-4b5a-9d0e-4e4b1c2a9f10"
 */
export const SessionIdSchema = z.pipe(
  z.union([z.string(), z.number()], { error: 'must be a string or a number' }),
  z.transform((value, ctx) => {
    const id = normalizeSessionId(value);
    if (id !== null) return id;
    ctx.issues.push({ code: 'custom', message: 'must be a non-negative integer or a UUID', input: value });
    return z.NEVER;
  }),
);
