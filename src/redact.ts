// Every secret value the process has seen; log lines, error texts, server and chat text are scrubbed of them before they leave.
const secrets = new Set<string>();

// Server text quoted in a message is capped: enough to name the problem, never a whole page.
const MAX_QUOTED_CHARS = 200;

// Secrets too short to remove wherever they occur ("q7z"): removed only where they stand alone, so words stay readable.
const shortSecrets = new Map<string, RegExp>();
const SHORT = 6;
// A webhook path segment or query value this long, and not a plain word, is a secret on its own.
const SECRET_PART = 8;

function remember(value: string): void {
  if (value.length >= SHORT) {
    secrets.add(value);
    return;
  }
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  shortSecrets.set(value, new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'gu'));
}

/** Remembers a secret (token, password, webhook URL) so redact() can remove it from any text, whatever its length. */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.trim() === '') return;
  remember(value);
  // Servers echo form fields URL-encoded: redact those spellings too.
  for (const form of [encodeURIComponent(value), new URLSearchParams({ s: value }).toString().slice(2)]) {
    if (form !== value) remember(form);
  }
}

// Query parameters of webhook URLs that are protocol, not secret (Power Automate's api-version, sp, sv).
const PUBLIC_QUERY = new Set(['api-version', 'sp', 'sv']);

/**
 * Remembers a webhook URL and every part of it that is a secret on its own: the path with its query, each path segment
 * and query value that is not a plain word (Slack's T…/B…/token, a Teams workflow ID and `sig`), so a service that
 * echoes only part of the path is redacted too.
 */
export function registerWebhookUrl(url: string | undefined): void {
  registerSecret(url);
  let parsed: URL;
  try {
    parsed = new URL(url ?? '');
  } catch {
    return;
  }
  registerSecret(`${parsed.pathname}${parsed.search}`);
  registerSecret(parsed.pathname);
  const values = [
    ...parsed.pathname.split('/'),
    ...[...parsed.searchParams].filter(([key]) => !PUBLIC_QUERY.has(key)).map(([, value]) => value),
  ];
  for (const part of values) if (part.length >= SECRET_PART && !/^[a-z]+$/.test(part)) registerSecret(part);
}

/** Replaces every registered secret in `text` with "[redacted]". */
export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.replaceAll(secret, '[redacted]');
  for (const [secret, pattern] of shortSecrets) if (out.includes(secret)) out = out.replace(pattern, '[redacted]');
  return out;
}

/** A copy of `value` with redact() applied to every string in it (plain objects and arrays, any depth). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redactDeep(inner)])) as T;
  }
  return value;
}

/** Server-supplied text made safe to quote: secrets removed, control characters flattened, length capped. */
export function quoteServerText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = redact(value)
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return undefined;
  return text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text;
}

/** Names a URL by its host only, the part of a webhook URL that is safe to log. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}
