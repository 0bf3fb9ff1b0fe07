import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** Nacos' cost factor (`$2a$10$`): deliberately slow CPU work per hash or check. */
const BCRYPT_COST = 10;
/** bcrypt reads at most 72 bytes; longer passwords would be silently truncated, so they are refused. */
export const MAX_PASSWORD_BYTES = 72;

/** Hashes a password in Nacos' format (`$2a$10$...`), off the event loop's critical path. */
export async function hashPassword(password: string): Promise<string> {
  const salt = await bcrypt.genSalt(BCRYPT_COST);
  // bcryptjs writes `$2b$`; Nacos (Spring's BCrypt) writes and expects `$2a$`. Same algorithm.
  return bcrypt.hash(password, salt.replace(/^\$2b\$/, '$2a$'));
}

/** A password's problem, or undefined when it is acceptable to hash. */
export function passwordProblem(password: string): string | undefined {
  if (password.length === 0) return 'password must not be empty';
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    return `password must be at most ${MAX_PASSWORD_BYTES} bytes`;
  }
  return undefined;
}

export interface PasswordCheckerOptions {
  /** How long a successful check is remembered (the Node SDK sends username/password on every call). */
  readonly ttlMs?: number;
  /** Most remembered checks; the oldest go first. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/**
 * Checks passwords against bcrypt hashes and remembers successes briefly, because Nacos clients
 * send username and password with every request and bcrypt is deliberately slow. The memory is
 * keyed by a digest of (username, password, stored hash): a changed password or a re-created
 * user has another hash, so an old success never vouches for it. Failures are never remembered.
 */
export class PasswordChecker {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #verified = new Map<string, number>();

  constructor(options: PasswordCheckerOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 5 * 60_000;
    this.#max = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  async check(username: string, password: string, hash: string): Promise<boolean> {
    if (passwordProblem(password) !== undefined) return false;
    const key = createHash('sha256').update(`${username}\u0000${password}\u0000${hash}`).digest('base64');
    const until = this.#verified.get(key);
    const now = this.#now();
    if (until !== undefined && until > now) return true;
    if (until !== undefined) this.#verified.delete(key);
    let ok: boolean;
    try {
      ok = await bcrypt.compare(password, hash);
    } catch {
      ok = false;
    }
    if (!ok) return false;
    if (this.#verified.size >= this.#max) {
      const oldest = this.#verified.keys().next().value;
      if (oldest !== undefined) this.#verified.delete(oldest);
    }
    this.#verified.set(key, now + this.#ttlMs);
    return true;
  }

  /** Forgets every remembered success (a user was deleted or changed its password). */
  clear(): void {
    this.#verified.clear();
  }
}
