import { Logger } from '@aws-lambda-powertools/logger';
import { redact } from './redact.ts';

/** Structured JSON logs (Powertools) with every registered secret scrubbed from every string field. */
export function createLogger(): Logger {
  return new Logger({
    serviceName: 'job-session-notifier',
    jsonReplacerFn: (_key, value) => (typeof value === 'string' ? redact(value) : value),
  });
}

export type { Logger };
