import { Logger } from '@aws-lambda-powertools/logger';
import { redact } from './redact.ts';

/** Structured JSON logs (Powertools) with every registered secret scrubbed from every string field. */
export function createLogger(options: { logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' } = {}): Logger {
  return new Logger({
    serviceName: 'job-session-notifier',
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    jsonReplacerFn: (_key, value) => (typeof value === 'string' ? redact(value) : value),
  });
}

export type { Logger };
