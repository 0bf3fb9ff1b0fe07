import { ClientError, throwIfAborted } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ServerRequester, TokenSource } from './server-requester.js';

export interface AuthSessionOptions {
  readonly username: string;
  readonly password: string;
  readonly requester: ServerRequester;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** When a login answer names no `tokenTtl`, Nacos' default (5 hours) is assumed. */
const DEFAULT_TTL_SECONDS = 18_000;
/** Without a login endpoint (old or auth-less servers) the client sends no token, asking again after this. */
const UNSUPPORTED_RETRY_MS = 60_000;

/**
 * Username/password login (`POST /v1/auth/login`) and the access token it yields. The token is
 * refreshed before it expires: once 90 % of `tokenTtl` has passed (the window Nacos' clients
 * use), the next call logs in again. Concurrent callers share one login.
 */
export class AuthSession implements TokenSource {
  readonly #options: AuthSessionOptions;
  readonly #now: () => number;
  #token: string | undefined;
  /** When the token should be replaced (ms since the epoch). */
  #refreshAt = 0;
  #unsupportedUntil = 0;
  #pending: Promise<string | undefined> | undefined;
  #logins = 0;

  constructor(options: AuthSessionOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** How many logins succeeded so far (for tests and metrics). */
  get logins(): number {
    return this.#logins;
  }

  async token(signal?: AbortSignal): Promise<string | undefined> {
    const now = this.#now();
    if (this.#token !== undefined && now < this.#refreshAt) return this.#token;
    if (this.#token === undefined && now < this.#unsupportedUntil) return undefined;
    // One login for every caller, run without any caller's signal (each attempt is bounded by
    // the request timeout): one caller's abort must not fail the others' login.
    this.#pending ??= this.#login().finally(() => {
      this.#pending = undefined;
    });
    return abortable(this.#pending, signal);
  }

  invalidate(): void {
    this.#token = undefined;
    this.#refreshAt = 0;
    this.#unsupportedUntil = 0;
  }

  async #login(): Promise<string | undefined> {
    const { requester, username, password, logger } = this.#options;
    const startedAt = this.#now();
    const answer = await requester.send({
      method: 'POST',
      path: '/v1/auth/login',
      params: { username, password },
      authenticate: false,
      accept: [200, 404],
      classify: (status, body) =>
        status === 403 || status === 401
          ? new ClientError(
              'CLIENT_AUTH_FAILED',
              `login as "${username}" refused: ${body.trim().slice(0, 200)}`,
              {
                status,
              },
            )
          : undefined,
    });
    if (answer.status === 404) {
      logger.warn({ server: answer.server.label }, 'server has no login endpoint, sending no token');
      this.#unsupportedUntil = startedAt + UNSUPPORTED_RETRY_MS;
      return undefined;
    }
    let parsed: { accessToken?: unknown; tokenTtl?: unknown };
    try {
      parsed = JSON.parse(answer.body) as typeof parsed;
    } catch (cause) {
      throw new ClientError('CLIENT_AUTH_FAILED', 'login answer is not JSON', { cause });
    }
    if (typeof parsed?.accessToken !== 'string' || parsed.accessToken === '') {
      throw new ClientError('CLIENT_AUTH_FAILED', 'login answer has no accessToken');
    }
    const ttl =
      typeof parsed.tokenTtl === 'number' && parsed.tokenTtl > 0 ? parsed.tokenTtl : DEFAULT_TTL_SECONDS;
    this.#token = parsed.accessToken;
    // Measured from before the request: the server's clock started the token no later than that.
    this.#refreshAt = startedAt + ttl * 900;
    this.#logins++;
    logger.debug({ server: answer.server.label, tokenTtl: ttl }, 'logged in');
    return this.#token;
  }
}

/** `promise`, or CLIENT_ABORTED as soon as `signal` fires (the promise itself runs on). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  throwIfAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      try {
        throwIfAborted(signal);
      } catch (err) {
        reject(err);
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
