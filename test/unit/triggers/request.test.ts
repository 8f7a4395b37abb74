import { describe, expect, it } from 'vitest';
import { TriggerError } from '../../../src/errors.ts';
import { describeShape, sessionRequestFrom } from '../../../src/triggers/request.ts';

describe('sessionRequestFrom', () => {
  describe('a direct invoke', () => {
    it('accepts a numeric string', () => {
      expect(sessionRequestFrom({ sessionId: '38' }, 'direct')).toEqual({ sessionId: '38', policyName: undefined });
    });

    it('accepts a number', () => {
      expect(sessionRequestFrom({ sessionId: 77 }, 'direct').sessionId).toBe('77');
    });

    it('accepts a UUID and lower-cases it', () => {
      const id = '7C4B8F0E-3A65-4B5A-9D0E-4E4B1C2A9F10';
      expect(sessionRequestFrom({ sessionId: id }, 'direct').sessionId).toBe(id.toLowerCase());
    });

    it.each([['038'], ['0038'], ['000000000000000038']])(
      'drops the leading zeros of %s, so one session has one key',
      (id) => {
        expect(sessionRequestFrom({ sessionId: id }, 'direct').sessionId).toBe('38');
      },
    );

    it('keeps a lone zero as "0"', () => {
      expect(sessionRequestFrom({ sessionId: '000' }, 'direct').sessionId).toBe('0');
    });

    it('keeps a policy name the event carries', () => {
      expect(sessionRequestFrom({ sessionId: '1', policyName: ' Nightly ' }, 'direct').policyName).toBe('Nightly');
    });
  });

  describe('an EventBridge event', () => {
    it('reads the session ID from detail', () => {
      const event = { 'detail-type': 'Backup Job Session Finished', source: 'custom', detail: { sessionId: '52' } };
      expect(sessionRequestFrom(event, 'eventbridge').sessionId).toBe('52');
    });
  });

  describe('a bad event', () => {
    it.each([
      ['an empty object', {}],
      ['a null session ID', { sessionId: null }],
      ['an EventBridge event without detail.sessionId', { 'detail-type': 'x', detail: { other: 1 } }],
      ['null', null],
      ['a string', 'sessionId=38'],
    ])('says the session ID is missing for %s', (_name, event) => {
      expect(() => sessionRequestFrom(event, 'direct')).toThrow(TriggerError);
      expect(() => sessionRequestFrom(event, 'direct')).toThrow(/session ID is missing/);
    });

    it.each([
      ['a path traversal', '../../../oauth2/token'],
      ['a slash', '38/log'],
      ['a query', '38?x=1'],
      ['a fragment', '38#x'],
      ['a control character', '38\n'],
      ['an encoded slash', '38%2Flog'],
      ['a negative number', -1],
      ['a fraction', 1.5],
      ['an unsafe integer', 2 ** 60],
      ['an object', { id: 1 }],
      ['an empty string', ''],
    ])('says the session ID is invalid for %s', (_name, sessionId) => {
      expect(() => sessionRequestFrom({ sessionId }, 'direct')).toThrow(/session ID is invalid/);
    });

    it('names the top-level keys it received, without values', () => {
      expect(() => sessionRequestFrom({ jobName: 'secret-value', result: 'Failed' }, 'direct')).toThrow(
        /keys jobName, result\)/,
      );
      expect(() => sessionRequestFrom({ jobName: 'secret-value' }, 'direct')).not.toThrow(/secret-value/);
    });
  });
});

describe('describeShape', () => {
  it('names arrays, primitives and empty objects', () => {
    expect(describeShape([])).toBe('an array');
    expect(describeShape(42)).toBe('a number');
    expect(describeShape({})).toBe('an empty object');
  });
});
