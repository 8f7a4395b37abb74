// Every secret value the process has seen; log lines, error texts and server text are scrubbed of them before they leave.
const secrets = new Set<string>();

// Server text quoted in a message is capped: enough to name the problem, never a whole page.
const MAX_QUOTED_CHARS = 200;

/** Remembers a secret (token, password, webhook URL) so redact() can remove it from any text. */
export function registerSecret(value: string | undefined): void {
  // Very short values would redact ordinary words; real secrets are longer.
  if (value === undefined || value.length < 4) return;
  secrets.add(value);
  // Servers echo form fields URL-encoded: redact those spellings too.
  for (const form of [encodeURIComponent(value), new URLSearchParams({ s: value }).toString().slice(2)]) {
    if (form !== value) secrets.add(form);
  }
}

/** Replaces every registered secret in `text` with "[redacted]". */
export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.replaceAll(secret, '[redacted]');
  return out;
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
