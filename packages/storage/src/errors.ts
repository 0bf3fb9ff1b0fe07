/** Every error code `@reg/storage` and its adapters produce. Stable: callers match on `code`. */
export type StorageErrorCode =
  /** An argument is malformed or out of range (empty key, too long, NUL byte, bad page). Nothing changed. */
  | 'STORAGE_INVALID_ARGUMENT'
  /** A record with the same identity already exists (user, role binding, permission, namespace). */
  | 'STORAGE_CONFLICT'
  /** A compare-and-set publish saw a different md5 than the caller expected. Nothing changed. */
  | 'STORAGE_CAS_MISMATCH'
  /** The record an update needs does not exist. */
  | 'STORAGE_NOT_FOUND'
  /** The store is closed (or was never opened). */
  | 'STORAGE_CLOSED'
  /** Stored data is unreadable (a damaged file, a row that does not decode). The message names the file or row. */
  | 'STORAGE_CORRUPTED'
  /** The underlying engine failed (I/O error, lost connection, lock held by another process). */
  | 'STORAGE_IO'
  /** No writable backend is available right now (e.g. no confirmed MySQL master); reads may still work. */
  | 'STORAGE_UNAVAILABLE'
  /** A fault injected on purpose by a test through {@link FaultInjector}. */
  | 'STORAGE_INJECTED_FAULT';

/** Every code, in catalogue order (the README "Errors" section follows it). */
export const STORAGE_ERROR_CODES: readonly StorageErrorCode[] = [
  'STORAGE_INVALID_ARGUMENT',
  'STORAGE_CONFLICT',
  'STORAGE_CAS_MISMATCH',
  'STORAGE_NOT_FOUND',
  'STORAGE_CLOSED',
  'STORAGE_CORRUPTED',
  'STORAGE_IO',
  'STORAGE_UNAVAILABLE',
  'STORAGE_INJECTED_FAULT',
];

/** Options for {@link StorageError}. */
export interface StorageErrorOptions {
  readonly cause?: unknown;
  /** For `STORAGE_CAS_MISMATCH`: the md5 currently stored (`''` when the config is absent). */
  readonly actualMd5?: string;
  /** For `STORAGE_CORRUPTED` and `STORAGE_IO`: the file (or table) involved, when known. */
  readonly location?: string;
}

const BRAND = Symbol.for('@reg/storage.StorageError');

/**
 * The one error class of `@reg/storage`, thrown by every adapter. Match on {@link StorageError.code}
 * (or {@link isStorageError}), not on `instanceof`: two installed copies of the package break
 * `instanceof`, so the class is branded with a global symbol instead.
 */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;
  /** See {@link StorageErrorOptions.actualMd5}. */
  readonly actualMd5: string | undefined;
  /** See {@link StorageErrorOptions.location}. */
  readonly location: string | undefined;

  constructor(code: StorageErrorCode, message: string, options: StorageErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.actualMd5 = options.actualMd5;
    this.location = options.location;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True when `err` is a {@link StorageError} from any installed copy of this package. */
export function isStorageError(err: unknown): err is StorageError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}

/** True when `err` is a {@link StorageError} with the given code. */
export function hasStorageCode(err: unknown, code: StorageErrorCode): boolean {
  return isStorageError(err) && err.code === code;
}
