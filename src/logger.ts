import type { Context } from 'aws-lambda';
import { redact } from './redact.ts';

/*
 * Not Powertools Logger, measured (README, Benchmarks): its import and construction cost a cold start more than this
 * whole module, and each line several times the CPU. This logger writes Powertools' JSON shape key for key (level,
 * message, timestamp, service, the Lambda context keys of addContext, sampling_rate, xray_trace_id, then persistent
 * keys, then the line's attributes; errors as name/location/message/stack/cause), so Logs Insights queries written for
 * Powertools work unchanged; test/unit/logger.test.ts compares it with Powertools' own output.
 */

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
type Attributes = Record<string, unknown>;

const RANK: Record<LogLevel, number> = { DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, SILENT: 28 };

/** Structured JSON logs, one line per call, the persistent keys of appendKeys on every line. */
export interface Logger {
  debug(message: string, ...attributes: Attributes[]): void;
  info(message: string, ...attributes: Attributes[]): void;
  warn(message: string, ...attributes: Attributes[]): void;
  error(message: string, ...attributes: Attributes[]): void;
  appendKeys(attributes: Attributes): void;
  removeKeys(keys: readonly string[]): void;
  /** Adds the invocation's Lambda context keys (cold_start, function_*) to every line, as Powertools' addContext. */
  addContext(context: Context): void;
}

/** The lines a component writes (it never changes the persistent keys): the one logger type every module takes. */
export type Log = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** Options of createLogger; the config's loggerEnv() supplies them from POWERTOOLS_LOG_LEVEL and _X_AMZN_TRACE_ID. */
export interface LoggerOptions {
  readonly logLevel?: LogLevel | undefined;
  /** POWERTOOLS_SERVICE_NAME; default the project's name. */
  readonly serviceName?: string | undefined;
  /** AWS_LAMBDA_INITIALIZATION_TYPE: only an on-demand environment reports its first invocation as a cold start. */
  readonly initializationType?: string | undefined;
  /** The current X-Ray trace ID (it changes per invocation), if any. */
  readonly traceId?: (() => string | undefined) | undefined;
  /** Where lines go; stdout for DEBUG/INFO and stderr for WARN/ERROR, as Powertools' console does. */
  readonly write?: (level: LogLevel, line: string) => void;
}

const defaultWrite = (level: LogLevel, line: string): void => {
  (level === 'WARN' || level === 'ERROR' ? process.stderr : process.stdout).write(`${line}\n`);
};

/** Structured JSON logs (the Powertools shape) with every registered secret scrubbed from every string field. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = RANK[options.logLevel ?? 'INFO'];
  const write = options.write ?? defaultWrite;
  const service = options.serviceName?.trim() || 'job-session-notifier';
  const keys: Attributes = {};
  let lambda: Attributes = {};
  let coldStart = options.initializationType === 'on-demand';

  const emit = (level: LogLevel, message: string, attributes: readonly Attributes[]): void => {
    if (RANK[level] < threshold) return;
    const line: Attributes = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service,
      ...lambda,
      sampling_rate: 0,
    };
    const traceId = options.traceId?.();
    if (traceId !== undefined) line.xray_trace_id = traceId;
    Object.assign(line, keys, ...attributes);
    write(level, serialize(line));
  };

  return {
    debug: (message, ...attributes) => emit('DEBUG', message, attributes),
    info: (message, ...attributes) => emit('INFO', message, attributes),
    warn: (message, ...attributes) => emit('WARN', message, attributes),
    error: (message, ...attributes) => emit('ERROR', message, attributes),
    appendKeys(attributes) {
      Object.assign(keys, attributes);
    },
    removeKeys(names) {
      for (const name of names) delete keys[name];
    },
    addContext(context) {
      lambda = {
        cold_start: coldStart,
        function_arn: context.invokedFunctionArn,
        function_memory_size: context.memoryLimitInMB,
        function_name: context.functionName,
        function_request_id: context.awsRequestId,
      };
      coldStart = false;
    },
  };
}

function serialize(line: Attributes): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(line, (_key, value: unknown) => {
    if (typeof value === 'string') return redact(value);
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'object' && value !== null) {
      // Circular references are dropped, as Powertools does.
      if (seen.has(value)) return undefined;
      seen.add(value);
      if (value instanceof Error) return formatError(value);
    }
    return value;
  });
}

function formatError(error: Error): Attributes {
  const { name, message, stack } = error;
  const formatted: Attributes = {
    name,
    location: locationOf(stack),
    message,
    stack,
    cause: error.cause instanceof Error ? formatError(error.cause) : error.cause,
  };
  for (const key of Object.keys(error)) if (!(key in formatted)) formatted[key] = (error as unknown as Attributes)[key];
  return formatted;
}

function locationOf(stack: string | undefined): string {
  // Powertools' rule: the first frame of the form "(/path/file.js:12:34)" → "/path/file.js:12".
  for (const line of stack?.split('\n') ?? []) {
    const frame = /\(([^()]*?):(\d+?):(\d+?)\)\\?$/.exec(line);
    if (frame) return `${frame[1]}:${Number(frame[2])}`;
  }
  return '';
}
