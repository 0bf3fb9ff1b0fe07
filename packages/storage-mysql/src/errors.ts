import { StorageError, type StorageErrorCode } from '@reg/storage';

/**
 * The adapter throws `@reg/storage`'s one error class, so the registry maps MySQL and LevelDB
 * failures through the same table. This module only classifies driver errors.
 */
export { StorageError, type StorageErrorCode };

/** Driver error codes that mean the connection (not the statement) failed. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_PACKETS_OUT_OF_ORDER',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_QUERY_INTERRUPTED',
  'POOL_CLOSED',
  'REG_ACQUIRE_TIMEOUT',
]);

/** Driver error codes that mean the source refuses writes (read-only server or missing privilege). */
const READ_ONLY_CODES = new Set([
  'ER_OPTION_PREVENTS_STATEMENT',
  'ER_READ_ONLY_MODE',
  'ER_TABLEACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_SPECIFIC_ACCESS_DENIED_ERROR',
  'ER_COLUMNACCESS_DENIED_ERROR',
]);

/** Codes worth retrying the whole transaction for: nothing was committed. */
const RETRYABLE_TX_CODES = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

function driverCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** True when `err` is a lost, refused or timed-out connection. */
export function isConnectionError(err: unknown): boolean {
  const code = driverCode(err);
  if (code !== undefined && CONNECTION_CODES.has(code)) return true;
  return (err as { fatal?: unknown } | null)?.fatal === true;
}

/** True when `err` says the source will not take writes. */
export function isReadOnlyError(err: unknown): boolean {
  const code = driverCode(err);
  return code !== undefined && READ_ONLY_CODES.has(code);
}

/** True when a transaction failed in a way that rolled it back and may succeed when run again. */
export function isRetryableTxError(err: unknown): boolean {
  const code = driverCode(err);
  return code !== undefined && RETRYABLE_TX_CODES.has(code);
}

/** True for a duplicate-key violation. */
export function isDuplicateKey(err: unknown): boolean {
  return driverCode(err) === 'ER_DUP_ENTRY';
}

/** The driver's error code for messages, or the error name. */
export function describeDriverError(err: unknown): string {
  const code = driverCode(err);
  if (code !== undefined) return code;
  return err instanceof Error ? err.name : String(err);
}

/**
 * Wraps any failure from the driver into a `StorageError`; a `StorageError` passes through.
 * `what` names the operation for the message ("publish config", "read namespace").
 */
export function toStorageError(err: unknown, what: string, source?: string): StorageError {
  if (err instanceof StorageError) return err;
  if (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    String((err as { code: unknown }).code).startsWith('STORAGE_')
  ) {
    return err as StorageError;
  }
  const where = source === undefined ? '' : ` on ${source}`;
  if (isReadOnlyError(err)) {
    return new StorageError(
      'STORAGE_UNAVAILABLE',
      `${what} failed${where}: the source refuses writes (${describeDriverError(err)})`,
      {
        cause: err,
        ...(source === undefined ? {} : { location: source }),
      },
    );
  }
  return new StorageError('STORAGE_IO', `${what} failed${where}: ${describeDriverError(err)}`, {
    cause: err,
    ...(source === undefined ? {} : { location: source }),
  });
}
