import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loggerEnv } from '../../src/config/env.ts';
import { createLogger, type Logger, type LogLevel } from '../../src/logger.ts';
import { registerSecret } from '../../src/redact.ts';

function capture(logLevel?: LogLevel) {
  const lines: { level: LogLevel; json: Record<string, unknown> }[] = [];
  const logger = createLogger({
    logLevel,
    traceId: () => '1-5759e988-bd862e3fe1be46a994272793',
    write: (level, line) => lines.push({ level, json: JSON.parse(line) as Record<string, unknown> }),
  });
  return { logger, lines };
}

const CONTEXT = {
  functionName: 'job-session-notifier-prod-notifier',
  functionVersion: '$LATEST',
  memoryLimitInMB: '256',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:job-session-notifier-prod-notifier',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 10_000,
} as Context;

/** The JSON lines written to stdout and stderr while `run` runs. */
function written(run: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const keep = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  try {
    run();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

/** A cold invocation that logs a result, then a warm one that logs an error, as both loggers are used. */
function twoInvocations(logger: Pick<Logger, 'info' | 'error' | 'appendKeys' | 'addContext'>, error: Error): void {
  logger.addContext(CONTEXT);
  logger.appendKeys({ sessionId: '38', trigger: 'direct', appliance: 'backup.example.com' });
  logger.info('notification sent', { outcome: 'failed', destinations: ['slack'], attempts: { slack: 1 } });
  logger.addContext({ ...CONTEXT, awsRequestId: 'second-request' });
  logger.error('notification failed', { error, retryable: true });
}

describe('createLogger', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('writes what Powertools Logger writes for the same calls, key for key and in the same order', () => {
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'orders-notifier');
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    vi.stubEnv('_X_AMZN_TRACE_ID', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    const error = failingCall();

    const ours = written(() => twoInvocations(createLogger(loggerEnv()), error));
    const theirs = written(() => twoInvocations(new PowertoolsLogger(), error));

    const sameTime = (line: Record<string, unknown>) => ({ ...line, timestamp: 'T' });
    expect(ours).toHaveLength(2);
    expect(ours.map((l) => Object.keys(l))).toEqual(theirs.map((l) => Object.keys(l)));
    expect(ours.map(sameTime)).toEqual(theirs.map(sameTime));
    expect(ours[0]).toMatchObject({ service: 'orders-notifier', cold_start: true, function_memory_size: '256' });
    expect(ours[1]).toMatchObject({ cold_start: false, function_request_id: 'second-request' });
    expect(String(ours[0]?.timestamp)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('names the service job-session-notifier and reports no cold start when nothing says otherwise', () => {
    const { logger, lines } = capture();
    logger.addContext(CONTEXT);

    logger.info('started');

    expect(lines[0]?.json).toMatchObject({ service: 'job-session-notifier', cold_start: false });
    expect(lines[0]?.json.xray_trace_id).toBe('1-5759e988-bd862e3fe1be46a994272793');
  });

  it('drops removed keys and lines below the level', () => {
    const { logger, lines } = capture('WARN');
    logger.appendKeys({ sessionId: '38' });
    logger.removeKeys(['sessionId']);

    logger.info('hidden');
    logger.warn('shown');

    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe('WARN');
    expect(lines[0]?.json.sessionId).toBeUndefined();
  });

  it('formats errors with their location and cause, and scrubs registered secrets everywhere', () => {
    const { logger, lines } = capture();
    registerSecret('logger-test-Secret-123');
    const error = failingCall('token logger-test-Secret-123 refused');

    logger.error('notification failed', { error, note: 'has logger-test-Secret-123' });

    const logged = lines[0]?.json.error as Record<string, unknown>;
    expect(logged.name).toBe('Error');
    expect(logged.message).toBe('token [redacted] refused');
    expect(String(logged.location)).toMatch(/logger\.test\.ts:\d+$/);
    expect((logged.cause as Record<string, unknown>).name).toBe('TypeError');
    expect(JSON.stringify(lines)).not.toContain('logger-test-Secret-123');
  });

  it('survives circular attributes', () => {
    const { logger, lines } = capture();
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;

    logger.info('circular', { loop });

    expect(lines[0]?.json.loop).toEqual({ a: 1 });
  });
});

describe('loggerEnv', () => {
  it('reads POWERTOOLS_LOG_LEVEL and the X-Ray root of the current trace header', () => {
    const env: Record<string, string | undefined> = { POWERTOOLS_LOG_LEVEL: 'debug' };
    const { logLevel, traceId } = loggerEnv(env);
    env._X_AMZN_TRACE_ID = 'Root=1-abc-def;Parent=53995c3f42cd8ad8;Sampled=1';

    expect(logLevel).toBe('DEBUG');
    expect(traceId()).toBe('1-abc-def');
  });
});

/** An error thrown from a named function, so its stack has the "(file:line:col)" frame a location is read from. */
function failingCall(message = 'appliance unreachable'): Error {
  return new Error(message, { cause: new TypeError('inner') });
}
