// Kept free of zod: the trigger path needs only this rule, and it runs before any schema is loaded.

// v1 appliances number their sessions; v3 and later use UUIDs. Nothing else may reach the request path.
const INTEGER_ID = /^\d{1,19}$/;
const UUID_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Returns the canonical session ID (integers without leading zeros, UUIDs lower-cased), or null for anything else. */
export function normalizeSessionId(value: unknown): string | null {
  let text: string;
  if (typeof value === 'number') text = Number.isSafeInteger(value) && value >= 0 ? String(value) : '';
  else if (typeof value === 'string') text = value;
  else return null;
  // One session, one key: "038" and "38" would otherwise be two dedup keys and two paths for the same session.
  if (INTEGER_ID.test(text)) return text.replace(/^0+(?=\d)/, '');
  return UUID_ID.test(text) ? text.toLowerCase() : null;
}
