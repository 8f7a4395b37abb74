import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogStreamParser, LogShapeError } from '../../src/appliance/log-stream.ts';
import { escapeSlackText, escapeTeamsText } from '../../src/core/render/escape.ts';
import { renderSlack } from '../../src/core/render/slack.ts';
import { renderTeams } from '../../src/core/render/teams.ts';
import { SessionLogSchema } from '../../src/core/session-log.ts';
import { summarize } from '../../src/core/summarize.ts';
import type { Notification } from '../../src/core/summary.ts';
import { formatDuration, parseDuration, parseTimeSpan } from '../../src/core/time.ts';
import { anyLogBody, anyText, markupText, nestingBomb, timeSpanText } from './arbitraries.ts';
import { checkSlackLimits, checkTeamsLimits } from './limits.ts';

// Fixed seeds keep failures reproducible; fast-check prints the seed and the shrunk counterexample when one fails.
const RUNS = 10_000;

// CPU-bound: thousands of generated bodies take several times longer on a loaded machine than on a quiet one.
describe('session log responses (property-based)', { timeout: 120_000 }, () => {
  it(`validates, summarizes and renders ${RUNS} generated bodies within Slack and Teams limits, never throwing`, () => {
    let accepted = 0;
    fc.assert(
      fc.property(anyLogBody, fc.stringMatching(/^\d{1,19}$/), (body, sessionId) => {
        const parsed = SessionLogSchema.safeParse(body);
        if (!parsed.success) return;
        accepted++;
        const summary = summarize(sessionId, parsed.data);
        expect(summary.totalSteps).toBe(parsed.data.log?.length ?? 0);
        expect(summary.counts.reduce((sum, row) => sum + row.count, 0)).toBe(summary.totalSteps);
        const notification: Notification = { kind: 'summary', summary };
        checkSlackLimits(renderSlack(notification));
        checkTeamsLimits(renderTeams(notification));
      }),
      { numRuns: RUNS, seed: 4_2024 },
    );
    // Most generated bodies are log-shaped: the renderers, not just the schema, are exercised.
    expect(accepted).toBeGreaterThan(RUNS / 2);
  });

  it('renders any problem report within Slack and Teams limits', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'not-found',
          'forbidden',
          'invalid-response',
          'bad-request',
          'auth-failed',
          'too-large' as const,
        ),
        anyText,
        fc.oneof(fc.integer({ min: 100, max: 599 }), fc.constant(null)),
        (failure, detail, statusCode) => {
          const notification: Notification = {
            kind: 'problem',
            problem: { sessionId: '38', failure, statusCode, detail },
          };
          checkSlackLimits(renderSlack(notification));
          checkTeamsLimits(renderTeams(notification));
        },
      ),
      { numRuns: 1_000, seed: 7 },
    );
  });
});

describe('nesting bombs through the streaming log reader (property-based)', { timeout: 120_000 }, () => {
  it('rejects every bomb as nested too deeply or cut short, never another error, never building it', () => {
    fc.assert(
      fc.property(nestingBomb, fc.integer({ min: 1, max: 70_000 }), (body, chunkSize) => {
        const parser = createLogStreamParser(() => undefined);
        let error: unknown;
        try {
          for (let i = 0; i < body.length; i += chunkSize) parser.write(body.slice(i, i + chunkSize));
          parser.end();
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(LogShapeError);
        expect((error as Error).message).toMatch(/nested more than 64 levels deep/);
      }),
      { numRuns: 200, seed: 64 },
    );
  });
});

describe('chat escaping of markup (property-based)', { timeout: 120_000 }, () => {
  const visible = (text: string): string => text.replace(/[\u200B\u2060]/g, '');

  it('leaves no live {{ in Teams text, whatever braces precede it', () => {
    fc.assert(
      fc.property(markupText, (text) => {
        expect(escapeTeamsText(text)).not.toContain('{{');
      }),
      { numRuns: 5_000, seed: 12 },
    );
  });

  it('fences every Slack marker with word joiners and changes nothing a reader sees', () => {
    fc.assert(
      fc.property(markupText, (text) => {
        const escaped = escapeSlackText(text);
        expect(escaped).not.toMatch(/[^\u2060][*_~`]|[*_~`][^\u2060]/);
        expect(visible(escaped)).toBe(text);
      }),
      { numRuns: 5_000, seed: 13 },
    );
  });
});

describe('TimeSpan strings (property-based)', { timeout: 120_000 }, () => {
  it(`parses ${RUNS} generated strings to a finite number of ms or null, never throwing`, () => {
    let parsedCount = 0;
    fc.assert(
      fc.property(timeSpanText, (text) => {
        const ms = parseTimeSpan(text);
        if (ms === null) return;
        parsedCount++;
        expect(Number.isFinite(ms)).toBe(true);
        expect(typeof formatDuration(ms)).toBe('string');
      }),
      { numRuns: RUNS, seed: 1_1 },
    );
    expect(parsedCount).toBeGreaterThan(100);
  });

  it('reads every well-formed [-][d.]hh:mm:ss[.fffffff] as the milliseconds it spells', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.nat({ max: 10_675_199 }),
        fc.nat({ max: 23 }),
        fc.nat({ max: 59 }),
        fc.nat({ max: 59 }),
        fc.nat({ max: 9_999_999 }),
        (negative, days, hours, minutes, seconds, ticks) => {
          const text = `${negative ? '-' : ''}${days}.${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}.${String(ticks).padStart(7, '0')}`;
          const expected = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000 + ticks / 10_000;
          expect(parseTimeSpan(text)).toBeCloseTo(negative ? -expected : expected, 3);
        },
      ),
      { numRuns: 2_000, seed: 3 },
    );
  });

  it('accepts only finite numbers as millisecond durations', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        expect(parseDuration(value)).toBe(Number.isFinite(value) ? value : null);
      }),
      { numRuns: 1_000, seed: 5 },
    );
  });
});
