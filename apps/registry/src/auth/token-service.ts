import { signToken, type TokenVerdict, verifyToken } from './jwt.js';

/**
 * Issues and checks access tokens (HS256 JWTs with `sub` and `exp`, as Nacos). The signing key is
 * either configured or agreed on by the cluster after start, so it may be unknown for a moment;
 * until then nothing is issued and every token is refused.
 */
export class TokenService {
  #key: Buffer | undefined;
  readonly #ttlSeconds: number;
  readonly #now: () => number;

  constructor(options: { ttlSeconds: number; key?: Buffer; now?: () => number }) {
    this.#ttlSeconds = options.ttlSeconds;
    this.#key = options.key;
    this.#now = options.now ?? Date.now;
  }

  get ttlSeconds(): number {
    return this.#ttlSeconds;
  }

  /** Whether the signing key is known (tokens can be issued and checked). */
  get ready(): boolean {
    return this.#key !== undefined;
  }

  setKey(key: Buffer): void {
    this.#key = key;
  }

  /** A token for `username`, or undefined while the key is not known yet. */
  issue(username: string): string | undefined {
    if (this.#key === undefined) return undefined;
    const exp = Math.floor(this.#now() / 1000) + this.#ttlSeconds;
    return signToken({ sub: username, exp }, this.#key);
  }

  verify(token: string): TokenVerdict {
    if (this.#key === undefined) return { ok: false, reason: 'invalid' };
    return verifyToken(token, this.#key, this.#now());
  }
}
