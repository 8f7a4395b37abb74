import { describe, expect, it } from 'vitest';
import { loggerEnv } from '../../src/config/env.ts';
import { createLogger, type LogLevel } from '../../src/logger.ts';
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

describe('createLogger', () => {
  it('writes the Powertools JSON shape: base keys first, then persistent keys, then the attributes', () => {
    const { logger, lines } = capture();
    logger.appendKeys({ sessionId: '38', trigger: 'direct' });

    logger.info('notification sent', { outcome: 'failed' });

    expect(Object.keys(lines[0]?.json ?? {})).toEqual([
      'level',
      'message',
      'timestamp',
      'service',
      'sampling_rate',
      'xray_trace_id',
      'sessionId',
      'trigger',
      'outcome',
    ]);
    expect(lines[0]?.json).toMatchObject({ level: 'INFO', service: 'job-session-notifier', sampling_rate: 0 });
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
    const error = new Error('token logger-test-Secret-123 refused', { cause: new TypeError('inner') });

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
