import { ClientError, throwIfAborted } from '../errors.js';
import type { Logger } from '../logger.js';
import { sleep } from '../sleep.js';
import type { ServerAddress } from './server-address.js';
import type { ServerList } from './server-list.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One logical call; the requester sends it to one server after another until one answers. */
export interface HttpCall {
  readonly method: HttpMethod;
  /** Path below the context path: `/v1/ns/instance`. */
  readonly path: string;
  /** Parameters: the query string for GET, a form body otherwise. Undefined values are left out. */
  readonly params: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal | undefined;
  /** Per-attempt timeout; default the requester's `requestTimeoutMs`. */
  readonly timeoutMs?: number;
  /** Statuses handed back as answers (default only 200); others are failures. */
  readonly accept?: readonly number[];
  /** Whether to attach the access token (default true; login itself sends none). */
  readonly authenticate?: boolean;
  /**
   * Turns an answer that no other server would answer differently into a final error (a CAS
   * mismatch, say); return undefined to let the status decide.
   */
  readonly classify?: (status: number, body: string) => ClientError | undefined;
}

/** A server's answer to a call. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers: Headers;
  readonly server: ServerAddress;
}

/** Where access tokens come from (see `AuthSession`). */
export interface TokenSource {
  /** A token valid for a while yet, logging in or refreshing first when needed; undefined without auth. */
  token(signal?: AbortSignal): Promise<string | undefined>;
  /** Forgets the current token: the next `token()` logs in again. */
  invalidate(): void;
}

export interface ServerRequesterOptions {
  readonly servers: ServerList;
  readonly requestTimeoutMs: number;
  readonly userAgent: string;
  readonly logger: Logger;
  /** How often a lone server is tried per call (a domain name may resolve to another host). */
  readonly singleServerAttempts?: number;
}

/** A failure worth trying the next server for (network, timeout, overload, server error). */
class RetryableFailure extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Sends calls with server-list failover: every server once in {@link ServerList.attemptOrder},
 * moving on after network errors, timeouts and 5xx/429/409 answers, reporting each outcome back
 * to the list. 4xx answers are final (`CLIENT_REQUEST_REJECTED`); a 403 while authenticated
 * logs in again once and retries the same server.
 */

/** How long rounds are repeated while some server answers 503 (e.g. a cluster electing a leader). */
const BUSY_RETRY_BUDGET_MS = 6_000;
export class ServerRequester {
  readonly #options: ServerRequesterOptions;
  #tokens: TokenSource | undefined;

  constructor(options: ServerRequesterOptions) {
    this.#options = options;
  }

  /** Attaches the token source; calls made before that carry no token. */
  useTokens(tokens: TokenSource): void {
    this.#tokens = tokens;
  }

  get servers(): ServerList {
    return this.#options.servers;
  }

  /**
   * Sends `call` to one server after another. A lone server is tried up to three times. When a
   * whole round failed and some server answered 503 (alive, but e.g. electing a leader), more
   * rounds follow after 300, 600, 1200 ms and then every 1500 ms, for up to
   * {@link BUSY_RETRY_BUDGET_MS} in all: a leader election after a crash takes one to two election
   * timeouts. Servers that cannot be reached are not waited for.
   */
  async send(call: HttpCall): Promise<HttpAnswer> {
    const { servers, logger } = this.#options;
    let last: RetryableFailure | undefined;
    let tried = 0;
    const started = Date.now();
    for (let round = 0; ; round++) {
      if (round > 0) {
        const delay = Math.min(300 * 2 ** (round - 1), 1500);
        if (Date.now() - started + delay > BUSY_RETRY_BUDGET_MS) break;
        await sleep(delay, call.signal);
      }
      const order = servers.attemptOrder();
      const attempts =
        order.length === 1 ? Array(this.#options.singleServerAttempts ?? 3).fill(order[0]) : order;
      let busy = false;
      for (const [i, server] of attempts.entries()) {
        throwIfAborted(call.signal);
        if (i > 0 && order.length === 1) await sleep(200 * i, call.signal);
        tried++;
        try {
          const answer = await this.#sendAuthenticated(server, call);
          servers.reportSuccess(server);
          return answer;
        } catch (err) {
          throwIfAborted(call.signal);
          if (!(err instanceof RetryableFailure)) throw err;
          servers.reportFailure(server);
          logger.debug(
            { server: server.label, path: call.path, err: err.message },
            'server failed, trying next',
          );
          last = err;
          busy ||= err.status === 503;
        }
      }
      if (!busy) break;
    }
    throw new ClientError(
      'CLIENT_SERVER_UNAVAILABLE',
      `no server answered ${call.method} ${call.path} (${tried} attempts): ${last?.message}`,
      { cause: last, ...(last?.status !== undefined && { status: last.status }) },
    );
  }

  async #sendAuthenticated(server: ServerAddress, call: HttpCall): Promise<HttpAnswer> {
    const tokens = call.authenticate === false ? undefined : this.#tokens;
    const token = await tokens?.token(call.signal);
    const answer = await this.#sendOnce(server, call, token);
    if (answer.status !== 403 || tokens === undefined || token === undefined)
      return this.#judge(call, answer);
    // The token may have expired early or been signed with another member's key: log in once more.
    tokens.invalidate();
    const fresh = await tokens.token(call.signal);
    return this.#judge(call, await this.#sendOnce(server, call, fresh));
  }

  #judge(call: HttpCall, answer: HttpAnswer): HttpAnswer {
    const { status, body } = answer;
    if ((call.accept ?? [200]).includes(status)) return answer;
    const final = call.classify?.(status, body);
    if (final) throw final;
    if (status >= 500 || status === 429 || status === 409) {
      throw new RetryableFailure(`${answer.server.label} answered ${status}: ${short(body)}`, status);
    }
    if (status === 403) {
      throw new ClientError('CLIENT_AUTH_FAILED', `${call.method} ${call.path} refused: ${short(body)}`, {
        status,
      });
    }
    throw new ClientError(
      'CLIENT_REQUEST_REJECTED',
      `${call.method} ${call.path} rejected with ${status}: ${short(body)}`,
      { status },
    );
  }

  async #sendOnce(server: ServerAddress, call: HttpCall, token: string | undefined): Promise<HttpAnswer> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(call.params)) if (v !== undefined) params.set(k, String(v));
    const query = new URLSearchParams();
    // The token rides in the query string so it is never mixed into a form body's content.
    if (token !== undefined) query.set('accessToken', token);
    const get = call.method === 'GET';
    const search = get ? mergeQuery(query, params) : query.toString();
    const url = `${server.baseUrl}${call.path}${search ? `?${search}` : ''}`;
    const timeout = AbortSignal.timeout(call.timeoutMs ?? this.#options.requestTimeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      'User-Agent': this.#options.userAgent,
      'Client-Version': this.#options.userAgent,
      ...call.headers,
    };
    if (!get) headers['Content-Type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
    try {
      const res = await fetch(url, {
        method: call.method,
        headers,
        ...(!get && { body: params.toString() }),
        signal,
      });
      const body = await res.text();
      return { status: res.status, body, headers: res.headers, server };
    } catch (err) {
      throwIfAborted(call.signal);
      throw new RetryableFailure(`${server.label}: ${describe(err)}`, undefined, { cause: err });
    }
  }
}

function mergeQuery(a: URLSearchParams, b: URLSearchParams): string {
  const merged = new URLSearchParams(b);
  for (const [k, v] of a) merged.set(k, v);
  return merged.toString();
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timed out';
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? err.message;
  }
  return String(err);
}

function short(body: string): string {
  const text = body.trim();
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
