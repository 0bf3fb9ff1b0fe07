import type { RaftErrorCode } from '@reg/raft';
import type { StorageErrorCode } from '@reg/storage';

/**
 * The codes this package throws. It defines no error class of its own on purpose: adapters throw
 * the interface package's errors (`StorageError` from `@reg/storage`, and `RaftError` from
 * `@reg/raft` for the log's contract violations), so callers handle every adapter alike.
 */
export type LevelErrorCode = StorageErrorCode | RaftErrorCode;

/** Every code `LevelStorage` and `LevelLogStorage` produce, in README order. */
export const LEVEL_ERROR_CODES = [
  'STORAGE_INVALID_ARGUMENT',
  'STORAGE_CONFLICT',
  'STORAGE_CAS_MISMATCH',
  'STORAGE_NOT_FOUND',
  'STORAGE_CLOSED',
  'STORAGE_CORRUPTED',
  'STORAGE_IO',
  'STORAGE_INJECTED_FAULT',
  'RAFT_INVALID_CONFIG',
  'RAFT_STORAGE_INVALID',
  'RAFT_STORAGE_COMPACTED',
  'RAFT_STORAGE_FAILED',
] as const satisfies readonly LevelErrorCode[];
