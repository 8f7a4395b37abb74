import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeSessionId } from '../../src/core/session-id.ts';
import { NotifierError, TriggerError } from '../../src/errors.ts';
import { type SessionRequest, sessionRequestFrom } from '../../src/triggers/request.ts';
import {
  httpRequestFrom,
  recogniseEvent,
  sessionRequestFromHttpBody,
  sessionRequestFromSnsRecord,
  sessionRequestFromSqsRecord,
} from '../../src/triggers/shapes.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { anyEvent, oddSessionId } from './arbitraries.ts';

const RUNS = 10_000;
// Canonical only: integers without leading zeros ("038" is "38"), UUIDs in lower case.
const VALID_ID = /^(?:0|[1-9]\d{0,18}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Every session request the pure trigger code finds in an event, as the per-trigger adapters would ask for them. */
function requestsIn(event: unknown): SessionRequest[] {
  const recognised = recogniseEvent(event);
  switch (recognised.kind) {
    case 'sns':
      return recognised.event.Records.map((record) => sessionRequestFromSnsRecord(record));
    case 'sqs':
      return recognised.event.Records.map((record) => sessionRequestFromSqsRecord(record));
    case 'http':
      return [sessionRequestFromHttpBody(httpRequestFrom(recognised.event).rawBody)];
    default:
      return [sessionRequestFrom(recognised.event, recognised.kind)];
  }
}

// CPU-bound: thousands of generated events take several times longer on a loaded machine than on a quiet one.
describe('event parsing (property-based)', { timeout: 120_000 }, () => {
  it(`accepts or rejects ${RUNS} generated events with a clear TriggerError, never anything else`, () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(anyEvent, (event) => {
        let requests: SessionRequest[];
        try {
          requests = requestsIn(event);
        } catch (error) {
          rejected++;
          expect(error).toBeInstanceOf(TriggerError);
          const message = (error as Error).message;
          // About the session ID, or naming the malformed field of a known trigger shape.
          expect(message).toMatch(/session ID|^malformed (SNS|SQS|HTTP) event/);
          // Short, and never an echo of a huge or hostile value from the event.
          expect(message.length).toBeLessThan(1_000);
          return;
        }
        accepted++;
        expect(requests.length).toBeGreaterThan(0);
        for (const request of requests) expect(request.sessionId).toMatch(VALID_ID);
      }),
      { numRuns: RUNS, seed: 20_261_125 },
    );
    // Both branches are exercised in earnest.
    expect(accepted).toBeGreaterThan(RUNS / 10);
    expect(rejected).toBeGreaterThan(RUNS / 10);
  });

  it('gives the direct and EventBridge reader any generated event: a valid ID or a TriggerError', () => {
    fc.assert(
      fc.property(anyEvent, (event) => {
        const trigger =
          typeof event === 'object' && event !== null && 'detail-type' in event ? 'eventbridge' : 'direct';
        let result: { request: SessionRequest };
        try {
          result = { request: sessionRequestFrom(event, trigger) };
        } catch (error) {
          expect(error).toBeInstanceOf(TriggerError);
          expect((error as Error).message).toMatch(/session ID/);
          return;
        }
        expect(result.request.sessionId).toMatch(VALID_ID);
      }),
      { numRuns: 2_000, seed: 11_25 },
    );
  });

  it('reads exactly the normalized ID from any direct or EventBridge event that carries a valid one', () => {
    fc.assert(
      fc.property(oddSessionId, fc.boolean(), (raw, viaEventBridge) => {
        const expected = normalizeSessionId(raw);
        fc.pre(expected !== null);
        const event = viaEventBridge
          ? { 'detail-type': 'Backup Job Session Finished', source: 'fuzz', detail: { sessionId: raw } }
          : { sessionId: raw };
        expect(requestsIn(event).map((r) => r.sessionId)).toEqual([expected]);
      }),
      { numRuns: 2_000, seed: 9 },
    );
  });
});

describe('the real handler fed generated events (end to end, against the emulator)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('calls nothing but the token endpoint and /api/v1/jobSessions/{id}(/log|/protectedItems), and fails only with NotifierErrors', async () => {
    const events = fc.sample(anyEvent, { numRuns: 200, seed: 77 });
    let failures = 0;

    for (const event of events) {
      await h.invoke(event).catch((error: unknown) => {
        failures++;
        expect(error).toBeInstanceOf(NotifierError);
      });
    }

    const allowed =
      /^\/api\/v1\/jobSessions\/(?:\d{1,19}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/log|\/protectedItems\?Offset=0&Limit=1000)?$/;
    for (const request of h.emulator.requests) {
      if (request.route === 'token') expect(request.path).toBe('/api/oauth2/token');
      else expect(request.path).toMatch(allowed);
    }
    expect(h.emulator.requestsTo('log').length).toBeGreaterThan(10);
    expect(failures).toBeGreaterThan(10);
  });
});
