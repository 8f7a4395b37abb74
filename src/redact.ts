// Every secret value the process has seen; log lines and error texts are scrubbed of them before they leave.
const secrets = new Set<string>();

/** Remembers a secret (token, password, webhook URL) so redact() can remove it from any text. */
export function registerSecret(value: string | undefined): void {
  // Very short values would redact ordinary words; real secrets are longer.
  if (value !== undefined && value.length >= 6) secrets.add(value);
}

/** Replaces every registered secret in `text` with "[redacted]". */
export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.replaceAll(secret, '[redacted]');
  return out;
}

/** Names a URL by its host only, the part of a webhook URL that is safe to log. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}
