// Kept free of zod: the trigger path needs only this rule, and it runs before any schema is loaded.

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
