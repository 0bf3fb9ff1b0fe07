import type { StorageErrorCode } from '../errors.js';
import { isStorageError } from '../errors.js';
import type { Storage, StorageSupports } from '../storage.js';

/** The matchers the suite uses (a subset of vitest's `expect`). */
export type SuiteExpect = (actual: unknown) => {
  toEqual(expected: unknown): void;
  toBe(expected: unknown): void;
};

/** The test functions the suite registers its cases with: pass vitest's. */
export interface SuiteTestApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void>, timeout?: number): void;
  expect: SuiteExpect;
  beforeEach(fn: () => Promise<void>): void;
  afterEach(fn: () => Promise<void>): void;
}

/** One fresh store under test. */
export interface StorageHarness {
  /** An opened, empty store. */
  readonly storage: Storage;
  /**
   * Closes the current instance and opens a new one over the same data (persistent adapters
   * only, `supports.persistent`). The suite uses the returned instance from then on.
   */
  reopen?(): Promise<Storage>;
  /** Closes whatever is open and removes what the store left behind (temp folders, databases). */
  cleanup(): Promise<void>;
}

/** Creates a fresh, empty, opened store for one test case. */
export type StorageFactory = () => Promise<StorageHarness>;

/** The state the suite's cases share: the current store of the running case. */
export interface SuiteContext {
  readonly t: SuiteTestApi;
  readonly supports: StorageSupports;
  /** The store of the running case. */
  store(): Storage;
  /** Reopens the store (persistent adapters); returns the new instance. */
  reopen(): Promise<Storage>;
}

/** Asserts that `promise` rejects with a `StorageError` of `code`; returns the error. */
export async function rejectsWith(
  t: SuiteTestApi,
  promise: Promise<unknown>,
  code: StorageErrorCode,
): Promise<unknown> {
  let error: unknown;
  let settled = 'fulfilled';
  try {
    await promise;
  } catch (err) {
    error = err;
    settled = 'rejected';
  }
  t.expect(settled).toBe('rejected');
  t.expect(isStorageError(error) ? error.code : String(error)).toBe(code);
  return error;
}

/** Same as {@link rejectsWith} for a function that may throw synchronously or reject. */
export function callRejects(
  t: SuiteTestApi,
  fn: () => Promise<unknown>,
  code: StorageErrorCode,
): Promise<unknown> {
  let p: Promise<unknown>;
  try {
    p = fn();
  } catch (err) {
    p = Promise.reject(err);
  }
  return rejectsWith(t, p, code);
}

/** A syntactically valid bcrypt hash (the store checks the format, not the secret). */
export const HASH_A = `$2a$10$${'a'.repeat(53)}`;
export const HASH_B = `$2b$12$${'B./9'.repeat(13)}Z`;

/** A small deterministic PRNG (mulberry32) for the randomised cases; the seed is printed on failure. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
