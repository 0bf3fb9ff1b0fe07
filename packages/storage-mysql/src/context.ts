import { StorageError } from '@reg/storage';
import type { MysqlCluster } from './cluster.js';
import type { SchemaInfo } from './schema-manager.js';

/** What every store of one {@link MysqlStorage} shares. */
export interface StoreContext {
  readonly cluster: MysqlCluster;
  /** The schema found at `open()`; throws `STORAGE_CLOSED` before it and after `close()`. */
  schema(): SchemaInfo;
  /** Consumes an armed fault at `point`: true once after `failNext(point)`. */
  takeFault(point: 'config-write' | 'kv-import'): boolean;
}

/** The error an armed fault throws, half way through a write (inside its transaction). */
export function injectedFault(point: string): StorageError {
  return new StorageError('STORAGE_INJECTED_FAULT', `injected fault at ${point}`);
}

/** Rejects characters outside the BMP when the tables are `utf8` (utf8mb3), before anything is written. */
export function checkFourByte(ctx: StoreContext, fields: Record<string, string | undefined>): void {
  if (ctx.schema().fourByteUtf8) return;
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined && /[\uD800-\uDFFF]/.test(value)) {
      throw new StorageError(
        'STORAGE_INVALID_ARGUMENT',
        `${name} holds a character outside the BMP, which this database's utf8 (utf8mb3) tables cannot store`,
      );
    }
  }
}

/** Escapes a literal for `LIKE ? ESCAPE '|'` (no backslash, so NO_BACKSLASH_ESCAPES cannot change it). */
export function escapeLike(literal: string): string {
  return literal.replace(/[|%_]/g, '|$&');
}

/** A blur pattern (`*` = any run, everything else literal) as a `LIKE ? ESCAPE '|'` pattern. */
export function blurToLike(pattern: string): string {
  return pattern
    .split('*')
    .map((part) => escapeLike(part))
    .join('%');
}

/** `?, ?, ?` for `n` bound values (the count, never the values, shapes the SQL). */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** ms since the epoch from a DATETIME column (a `Date`) or a BIGINT. */
export function toMillis(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return 0;
}

/** Cuts `value` to `max` code points (for Nacos' short `src_ip` columns). */
export function fit(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : chars.slice(0, max).join('');
}
