import type { Log } from '../../src/logger.ts';

/** A Log that keeps each line as "message {attributes}" (and the bare messages), for tests that assert what was logged. */
export function recordingLog(): { readonly lines: string[]; readonly messages: string[]; readonly log: Log } {
  const lines: string[] = [];
  const messages: string[] = [];
  const write = (message: string, ...attributes: Record<string, unknown>[]): void => {
    messages.push(message);
    lines.push(`${message} ${JSON.stringify(attributes)}`);
  };
  return { lines, messages, log: { debug: write, info: write, warn: write, error: write } };
}
