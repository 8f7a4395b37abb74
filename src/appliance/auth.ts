import * as z from 'zod/mini';
import { SourceApiError } from '../errors.ts';
import { isTransientStatus, withRetry } from '../http/retry.ts';
import type { Log } from '../logger.ts';
import type { Deadline } from '../ports.ts';
import { registerSecret } from '../redact.ts';
import { isUnauthorized, problemText, requestedPath, transientStatus, tryJson, versionHint } from './failures.ts';
import type { ApplianceTransport } from './transport.ts';

/** How the notifier signs in: a static bearer token, or a local (non-MFA) account for the password grant. */
export type Credentials =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'password'; readonly username: string; readonly password: string };

type PasswordCredentials = Extract<Credentials, { kind: 'password' }>;

/**
 * The token endpoint's answer (backup-api.md §1 `Login`); every field is nullable there.
 * @example { "access_token": "eyJ…", "token_type": "bearer", "refresh_token": "…", "expires_in": 3600 }
 */
const TokenResponseSchema = z.looseObject({
  access_token: z.nullish(z.string()),
  refresh_token: z.nullish(z.string()),
  expires_in: z.nullish(z.number()),
  mfa_enabled: z.nullish(z.boolean()),
  userType: z.nullish(z.string()),
});

// Without expires_in the token's life is unknown: assume the shortest documented one (15 min, VBR).
const ASSUMED_TOKEN_LIFETIME_MS = 15 * 60_000;
// Renew this long before expiry so a token cannot lapse between the check and the appliance reading it.
const EXPIRY_MARGIN_MS = 60_000;

interface IssuedToken {
  readonly username: string;
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly renewAt: number;
}

/** Runs appliance calls with a valid access token; one per client, so tokens are cached per appliance. */
export type Authorizer = <T>(deadline: Deadline, call: (accessToken: string) => Promise<T>) => Promise<T>;

interface AuthorizerOptions {
  readonly transport: ApplianceTransport;
  readonly tokenPath: string;
  /** The product's spelling of the password and refresh grants; default Azure's ("Password", "Refresh_token"). */
  readonly grants?: { readonly password: string; readonly refresh: string };
  /** Sent on the token call too (the `x-api-version` header of most products). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly credentials: () => Promise<Credentials>;
  readonly now: () => number;
  readonly logger?: Log | undefined;
}

/**
 * The token cache and grants of one appliance: a static token as is; a password account's token cached, renewed
 * before expiry (refresh grant first, password grant as fallback), and renewed once after a 401.
 */
export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  const tokens = new TokenCache(options);
  return async (deadline, call) => {
    const credentials = await options.credentials();
    if (credentials.kind === 'token') return withStaticToken(credentials.token, call);
    registerSecret(credentials.password);
    const first = await tokens.tokenFor(credentials, deadline);
    try {
      return await call(first.accessToken);
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
      options.logger?.warn('backup appliance rejected the access token (401); signing in again once');
    }
    const second = await tokens.tokenFor(credentials, deadline, first.accessToken);
    try {
      return await call(second.accessToken);
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
      throw new SourceApiError(
        'unauthorized',
        `backup appliance rejected the access token (401) even right after signing in again${error.problem}; check that the account is a local account whose role may read session logs`,
        { statusCode: 401, cause: error },
      );
    }
  };
}

/** The issued token of one appliance, and the one token request concurrent callers share. */
class TokenCache {
  private cached: IssuedToken | undefined;
  private pending: Promise<IssuedToken> | undefined;

  private readonly grants: { readonly password: string; readonly refresh: string };

  constructor(private readonly options: AuthorizerOptions) {
    this.grants = options.grants ?? { password: 'Password', refresh: 'Refresh_token' };
  }

  /** The cached token, or one token request shared by concurrent callers; `stale` forces renewal of that token. */
  tokenFor(credentials: PasswordCredentials, deadline: Deadline, stale?: string): Promise<IssuedToken> {
    const current = this.cached;
    const fresh = current?.username === credentials.username && current.accessToken !== stale;
    if (current !== undefined && fresh && this.options.now() < current.renewAt) return Promise.resolve(current);
    this.pending ??= this.renew(credentials, deadline)
      .then((issued) => {
        this.cached = issued;
        return issued;
      })
      .catch((error: unknown) => {
        this.cached = undefined;
        throw error;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  /** A fresh token: the refresh grant when one was issued, falling back to the password grant if it is refused. */
  private async renew(credentials: PasswordCredentials, deadline: Deadline): Promise<IssuedToken> {
    const refreshToken = this.cached?.username === credentials.username ? this.cached.refreshToken : undefined;
    if (refreshToken === undefined) return this.passwordGrant(credentials, deadline);
    try {
      const form = new URLSearchParams({ grant_type: this.grants.refresh, refresh_token: refreshToken });
      return await this.requestToken(form, credentials.username, 'refresh-token', deadline);
    } catch (error) {
      if (!(error instanceof SourceApiError) || !['auth-failed', 'invalid-response'].includes(error.failure)) {
        throw error;
      }
      this.options.logger?.warn('backup appliance refused the refresh token; signing in with the password', {
        reason: error.message,
      });
      return this.passwordGrant(credentials, deadline);
    }
  }

  private passwordGrant(credentials: PasswordCredentials, deadline: Deadline): Promise<IssuedToken> {
    const { username, password } = credentials;
    return this.requestToken(
      new URLSearchParams({ grant_type: this.grants.password, username, password }),
      username,
      'password',
      deadline,
    );
  }

  /** One grant for `username`'s account (the refresh grant is only tried with that account's own refresh token). */
  private async requestToken(
    form: URLSearchParams,
    username: string,
    grant: string,
    deadline: Deadline,
  ): Promise<IssuedToken> {
    const { transport, tokenPath } = this.options;
    const what = `sign in (${grant} grant)`;
    const request = {
      method: 'POST' as const,
      path: tokenPath,
      headers: {
        ...this.options.headers,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
    };
    const reply = await withRetry(
      async (attempt) => {
        const answer = await transport.send(request, attempt, what);
        if (isTransientStatus(answer.status)) throw transientStatus(answer, what);
        return answer;
      },
      transport.retryOptions(deadline, what),
    );
    if (reply.status !== 200) {
      const where = reply.status === 404 ? requestedPath('POST', request.path) : '';
      const message = `backup appliance: ${what} was refused (${reply.status})${problemText(reply)}${versionHint(reply)}${where}`;
      throw new SourceApiError('auth-failed', message, { statusCode: reply.status });
    }
    return issuedToken(reply.text, what, username, this.options.now());
  }
}

/** A static token cannot be renewed: a 401 says to replace it. */
async function withStaticToken<T>(token: string, call: (accessToken: string) => Promise<T>): Promise<T> {
  registerSecret(token);
  try {
    return await call(token);
  } catch (error) {
    if (!isUnauthorized(error)) throw error;
    throw new SourceApiError(
      'unauthorized',
      `backup appliance rejected the configured bearer token (401)${error.problem}; a static token cannot be renewed: replace it, or configure a username and password`,
      { statusCode: 401, cause: error },
    );
  }
}

/** Validates a 200 token answer and computes when to renew it; explains MFA and SSO accounts. */
function issuedToken(text: string, what: string, username: string, now: number): IssuedToken {
  // No cause: a JSON or schema error could quote the body, and this body carries tokens.
  const parsed = TokenResponseSchema.safeParse(tryJson(text));
  if (!parsed.success) {
    const message = `backup appliance: ${what} answered 200 without a valid JSON token`;
    throw new SourceApiError('invalid-response', message, { statusCode: 200 });
  }
  const { access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn, mfa_enabled } = parsed.data;
  if (!accessToken) {
    const mfa = mfa_enabled === true || expiresIn === 0;
    // Identity-provider (SSO) users sign in through SAML flows a non-interactive Lambda cannot complete.
    const sso = parsed.data.userType === 'IdentityProvider';
    throw new SourceApiError(
      'auth-failed',
      mfa
        ? 'backup appliance: sign-in needs a second factor: an MFA-enabled account is not supported; use a local account without MFA (the Read-Only User role is enough)'
        : sso
          ? 'backup appliance: an identity-provider (SSO) account cannot use the password grant; use a local (Internal) account'
          : 'backup appliance: the token response carried no access_token',
      { statusCode: 200 },
    );
  }
  registerSecret(accessToken);
  registerSecret(refreshToken ?? undefined);
  const lifetimeMs = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn * 1000 : ASSUMED_TOKEN_LIFETIME_MS;
  return {
    username,
    accessToken,
    refreshToken: refreshToken ?? undefined,
    renewAt: now + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 2),
  };
}
