import { describe, expect, it } from 'vitest';
import {
  classify,
  invalidBody,
  isUnauthorized,
  networkFailure,
  problemText,
  type Reply,
  requestedPath,
  statusFailure,
  transientStatus,
  tryJson,
  versionHint,
} from '../../../src/appliance/failures.ts';
import { ConfigError, NotifierError, SourceApiError } from '../../../src/errors.ts';

function reply(status: number, body: unknown = '', headers: Reply['headers'] = {}): Reply {
  return { status, headers, text: typeof body === 'string' ? body : JSON.stringify(body) };
}

describe('tryJson', () => {
  it('parses JSON text and gives undefined for anything else', () => {
    expect(tryJson('{"a":1}')).toEqual({ a: 1 });
    expect(tryJson('<html>')).toBeUndefined();
  });
});

describe('problemText', () => {
  it('joins title, detail and the first field error with a dash, after a colon', () => {
    const text = problemText(
      reply(400, { title: 'Bad Request', detail: 'Check the input.', errors: { limit: ['too big', 'not a number'] } }),
    );

    expect(text).toBe(': Bad Request — Check the input — limit: too big; not a number');
  });

  it('takes only the first field error, and a non-array message as text', () => {
    expect(problemText(reply(400, { errors: { first: 'one', second: ['two'] } }))).toBe(': first: one');
  });

  it('reads the detail from "details" (AWS) or "message" (Backup & Replication) when "detail" is absent', () => {
    expect(problemText(reply(400, { details: 'From details' }))).toBe(': From details');
    expect(problemText(reply(400, { message: 'From message' }))).toBe(': From message');
    expect(problemText(reply(400, { detail: 'Detail wins', details: 'no', message: 'no' }))).toBe(': Detail wins');
  });

  it('says a detail that repeats the title once, and drops trailing periods', () => {
    expect(problemText(reply(404, { title: 'Not Found.', detail: 'Not Found...' }))).toBe(': Not Found');
  });

  it('is empty for a body that is not JSON, not an object, or has nothing to quote', () => {
    expect(problemText(reply(502, '<html>Bad Gateway</html>'))).toBe('');
    expect(problemText(reply(500, '"just a string"'))).toBe('');
    expect(problemText(reply(500, { status: 500, errors: null }))).toBe('');
    expect(problemText(reply(500, { title: 42 }))).toBe('');
  });
});

describe('versionHint', () => {
  it('points at BACKUP_API_VERSION for a 4xx that mentions the API version, in any spelling', () => {
    const hint = '; set BACKUP_API_VERSION to a revision this appliance supports';
    expect(versionHint(reply(400, 'x-api-version header is missing'))).toBe(hint);
    expect(versionHint(reply(400, 'Unsupported API VERSION'))).toBe(hint);
    expect(versionHint(reply(499, 'apiversion'))).toBe(hint);
  });

  it('says nothing for a 4xx about something else, or for a 5xx or 3xx that mentions the version', () => {
    expect(versionHint(reply(400, 'bad limit'))).toBe('');
    expect(versionHint(reply(500, 'api-version'))).toBe('');
    expect(versionHint(reply(399, 'api-version'))).toBe('');
  });
});

describe('requestedPath', () => {
  it('names the method and path without the query string', () => {
    expect(requestedPath('GET', '/api/v1/jobSessions?Limit=10&Offset=0')).toBe('; requested GET /api/v1/jobSessions');
    expect(requestedPath('POST', '/api/oauth2/token')).toBe('; requested POST /api/oauth2/token');
  });
});

describe('transientStatus', () => {
  it('is a retryable unavailable failure carrying the status, problem and Retry-After', () => {
    const error = transientStatus(reply(429, { title: 'Too Many Requests' }, { 'retry-after': '7' }), 'list sessions');

    expect(error.failure).toBe('unavailable');
    expect(error.message).toBe('backup appliance: list sessions failed with 429: Too Many Requests');
    expect(error.statusCode).toBe(429);
    expect(error.retryable).toBe(true);
    expect(error.retryAfter).toBe('7');
  });
});

describe('statusFailure', () => {
  it.each([429, 500, 502, 503, 504])('treats %i as transient', (status) => {
    const error = statusFailure(reply(status), '38', 'read session 38');

    expect(error.failure).toBe('unavailable');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`backup appliance: read session 38 failed with ${status}`);
  });

  it('reports a 401 as unauthorized, keeping the problem text for the re-sign-in message', () => {
    const error = statusFailure(reply(401, { title: 'Unauthorized' }), '38', 'read');

    expect(error.failure).toBe('unauthorized');
    expect(error.message).toBe('backup appliance rejected the access token (401): Unauthorized');
    expect(error.problem).toBe(': Unauthorized');
    expect(error.statusCode).toBe(401);
    expect(error.retryable).toBe(false);
  });

  it('reports a 404 naming the session and the requested path', () => {
    const error = statusFailure(reply(404, { title: 'Not Found' }), '38', 'read', '; requested GET /api/v1/x');

    expect(error.failure).toBe('not-found');
    expect(error.message).toBe('backup appliance: session 38 was not found (404): Not Found; requested GET /api/v1/x');
    expect(error.statusCode).toBe(404);
    expect(error.retryable).toBe(false);
  });

  it('reports a 404 with nothing after the problem text when no requested path is given', () => {
    const error = statusFailure(reply(404, { title: 'Not Found' }), '38', 'read');

    expect(error.message).toBe('backup appliance: session 38 was not found (404): Not Found');
  });

  it('reports a 403 as a missing permission unless the license agreement is pending', () => {
    const plain = statusFailure(reply(403), '38', 'read');
    const eula = statusFailure(reply(403, { licenseAgreementAcceptanceRequired: true }), '38', 'read');
    const notTrue = statusFailure(reply(403, { licenseAgreementAcceptanceRequired: 'true' }), '38', 'read');

    expect(plain.failure).toBe('forbidden');
    expect(plain.statusCode).toBe(403);
    expect(plain.message).toBe(
      'backup appliance: access to the log of session 38 is forbidden (403); the account may lack the Session Log permission (Read-Only User is enough)',
    );
    expect(eula.message).toBe(
      'backup appliance: access to the log of session 38 is forbidden (403); the appliance requires its license agreement to be accepted (licenseAgreementAcceptanceRequired) — sign in to its web UI once and accept it',
    );
    expect(notTrue.message).toContain('Session Log permission');
  });

  it('names the session list, not a session, when listing sessions is refused or not found', () => {
    const missing = statusFailure(reply(404), '', 'list sessions', '; requested GET /api/v1/jobSessions');
    const refused = statusFailure(reply(403), '', 'list sessions');

    expect(missing.message).toBe(
      'backup appliance: the session list was not found (404); requested GET /api/v1/jobSessions',
    );
    expect(refused.message).toBe(
      'backup appliance: access to the session list is forbidden (403); the account may lack the Session Log permission (Read-Only User is enough)',
    );
  });

  it.each([400, 405, 499])('reports %i as a rejected request with the version hint when it applies', (status) => {
    const error = statusFailure(reply(status, { title: 'Bad', detail: 'x-api-version is required' }), '38', 'list');

    expect(error.failure).toBe('bad-request');
    expect(error.retryable).toBe(false);
    expect(error.statusCode).toBe(status);
    expect(error.message).toBe(
      `backup appliance: list was rejected (${status}): Bad — x-api-version is required; set BACKUP_API_VERSION to a revision this appliance supports`,
    );
  });

  it.each([302, 399, 501, 505, 200])('reports an unexpected %i as invalid-response, not retried', (status) => {
    const error = statusFailure(reply(status, { title: 'Odd' }), '38', 'read session 38');

    expect(error.failure).toBe('invalid-response');
    expect(error.retryable).toBe(false);
    expect(error.statusCode).toBe(status);
    expect(error.problem).toBe(': Odd');
    expect(error.message).toBe(`backup appliance: read session 38 answered an unexpected ${status}: Odd`);
  });
});

describe('networkFailure', () => {
  it('passes an appliance failure through unchanged', () => {
    const original = new SourceApiError('not-found', 'gone');

    expect(networkFailure(original, 'read', 'https://a')).toBe(original);
  });

  it('reports an untrusted certificate as permanent, pointing at BACKUP_API_CA_CERT', () => {
    const cause = Object.assign(new Error('self signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });

    const error = networkFailure(cause, 'read the log', 'https://backup:4443');

    expect(error.failure).toBe('unavailable');
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(cause);
    expect(error.message).toBe(
      "backup appliance: read the log: the TLS certificate of https://backup:4443 is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); set BACKUP_API_CA_CERT to the appliance's CA certificate (PEM)",
    );
  });

  it('reports a timeout as a retryable timeout', () => {
    const cause = Object.assign(new Error('too slow'), { name: 'TimeoutError' });

    const error = networkFailure(cause, 'read the log', 'https://a');

    expect(error.failure).toBe('timeout');
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('backup appliance: read the log: no complete answer in time');
  });

  it('names the error code of a refused connection and retries it', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

    const error = networkFailure(cause, 'sign in', 'http://127.0.0.1:9');

    expect(error.failure).toBe('unavailable');
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('backup appliance: sign in: http://127.0.0.1:9 could not be reached (ECONNREFUSED)');
  });

  it('names the error class when there is no code, and does not retry what would fail again', () => {
    const error = networkFailure(new TypeError('Invalid header'), 'sign in', 'https://a');

    expect(error.message).toBe('backup appliance: sign in: https://a could not be reached (TypeError)');
    expect(error.retryable).toBe(false);
  });

  it('says "unknown error" for a thrown non-error', () => {
    expect(networkFailure('boom', 'sign in', 'https://a').message).toBe(
      'backup appliance: sign in: https://a could not be reached (unknown error)',
    );
    expect(networkFailure(null, 'sign in', 'https://a').message).toContain('(unknown error)');
  });
});

describe('classify', () => {
  it('retries only retryable notifier errors, with the Retry-After of an appliance failure', () => {
    const busy = new SourceApiError('unavailable', 'busy', { statusCode: 429, retryAfter: '3' });

    expect(classify(busy)).toEqual({ transient: true, retryAfter: '3' });
    expect(classify(new NotifierError('X', 'other', { retryable: true }))).toEqual({
      transient: true,
      retryAfter: undefined,
    });
    expect(classify(new SourceApiError('not-found', 'gone'))).toEqual({ transient: false });
    expect(classify(new ConfigError('bad'))).toEqual({ transient: false });
    expect(classify(new Error('plain'))).toEqual({ transient: false });
  });
});

describe('isUnauthorized', () => {
  it('is true only for the appliance unauthorized failure', () => {
    expect(isUnauthorized(new SourceApiError('unauthorized', '401'))).toBe(true);
    expect(isUnauthorized(new SourceApiError('forbidden', '403'))).toBe(false);
    expect(isUnauthorized(new Error('unauthorized'))).toBe(false);
  });
});

describe('invalidBody', () => {
  it('says malformed JSON for a syntax error and unexpected shape otherwise, as a 200 invalid-response', () => {
    const syntax = new SyntaxError('Unexpected end');
    const malformed = invalidBody('read session 38', syntax);
    const shape = invalidBody('read session 38', new Error('no id'));

    expect(malformed.failure).toBe('invalid-response');
    expect(malformed.statusCode).toBe(200);
    expect(malformed.cause).toBe(syntax);
    expect(malformed.retryable).toBe(false);
    expect(malformed.message).toBe(
      'backup appliance: read session 38: the body is not valid (malformed or truncated JSON)',
    );
    expect(shape.message).toBe('backup appliance: read session 38: the body is not valid (unexpected shape)');
  });
});
