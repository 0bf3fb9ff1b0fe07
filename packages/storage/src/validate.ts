import type { ConfigKey, ConfigQuery, PublishConfigInput } from './config-store.js';
import { StorageError } from './errors.js';
import { MAX_PAGE_SIZE, type PageRequest } from './page.js';

/**
 * Length limits in characters (Unicode code points), taken from Nacos' MySQL schema so that every
 * adapter accepts exactly what the `config_info` table can hold.
 */
export const CONFIG_LIMITS = {
  dataId: 255,
  group: 128,
  tenant: 128,
  appName: 128,
  type: 64,
  desc: 256,
  use: 64,
  effect: 64,
  schema: 32768,
  srcUser: 255,
  srcIp: 50,
  tag: 64,
  tags: 5,
  /** Content bytes (UTF-8), Nacos' default `maxContent`. */
  contentBytes: 10 * 1024 * 1024,
} as const;

/** Limits of the auth and namespace tables (Nacos schema). */
export const AUTH_LIMITS = {
  username: 50,
  role: 50,
  resource: 255,
  action: 8,
  namespaceId: 128,
  namespaceName: 128,
  namespaceDesc: 256,
} as const;

/** A bcrypt hash as produced by BCrypt / bcryptjs: `$2a$`, `$2b$` or `$2y$`, a 2-digit cost, 53 characters. */
export const BCRYPT_HASH = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;

/** Length in code points (what MySQL's `VARCHAR(n)` counts). */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function invalid(message: string): StorageError {
  return new StorageError('STORAGE_INVALID_ARGUMENT', message);
}

/** Checks a string field: a string, no NUL, at most `max` code points, non-empty when `required`. */
export function checkString(field: string, value: unknown, max: number, required: boolean): string {
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  if (required && value.length === 0) throw invalid(`${field} must not be empty`);
  if (value.includes('\u0000')) throw invalid(`${field} must not contain NUL`);
  // Cheap pre-check: a string with more UTF-16 units than 2*max surely has more code points.
  if (value.length > max && (value.length > 2 * max || codePointLength(value) > max)) {
    throw invalid(`${field} is longer than ${max} characters`);
  }
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) {
    throw invalid(`${field} holds a lone surrogate (not valid Unicode)`);
  }
  return value;
}

/** Validates a config key (`dataId`, `group` required; `tenant` may be `''`). */
export function validateConfigKey(key: ConfigKey): void {
  if (typeof key !== 'object' || key === null) throw invalid('config key must be an object');
  checkString('dataId', key.dataId, CONFIG_LIMITS.dataId, true);
  checkString('group', key.group, CONFIG_LIMITS.group, true);
  checkString('tenant', key.tenant, CONFIG_LIMITS.tenant, false);
}

/** Validates every field of a publish; the store calls it before touching anything. */
export function validatePublish(input: PublishConfigInput): void {
  validateConfigKey(input);
  checkString('content', input.content, Number.MAX_SAFE_INTEGER, false);
  if (Buffer.byteLength(input.content, 'utf8') > CONFIG_LIMITS.contentBytes) {
    throw invalid(`content is larger than ${CONFIG_LIMITS.contentBytes} bytes`);
  }
  const optional = ['type', 'appName', 'desc', 'use', 'effect', 'schema', 'srcUser', 'srcIp'] as const;
  for (const f of optional) {
    const v = input[f];
    if (v !== undefined) checkString(f, v, CONFIG_LIMITS[f], false);
  }
  if (input.tags !== undefined) {
    if (!Array.isArray(input.tags)) throw invalid('tags must be an array');
    if (input.tags.length > CONFIG_LIMITS.tags) throw invalid(`at most ${CONFIG_LIMITS.tags} tags`);
    for (const t of input.tags) checkString('tag', t, CONFIG_LIMITS.tag, true);
  }
  if (
    input.casMd5 !== undefined &&
    (typeof input.casMd5 !== 'string' || !/^([0-9a-f]{32})?$/.test(input.casMd5))
  ) {
    throw invalid('casMd5 must be empty or 32 lower-case hex digits');
  }
  validateTime(input.time);
}

/** Validates an optional caller-supplied time (ms since the epoch). */
export function validateTime(time: number | undefined): void {
  if (time !== undefined && !(Number.isSafeInteger(time) && time >= 0)) {
    throw invalid('time must be a non-negative integer of milliseconds');
  }
}

/** Validates a config search. */
export function validateQuery(query: ConfigQuery): void {
  if (typeof query !== 'object' || query === null) throw invalid('query must be an object');
  if (query.mode !== 'accurate' && query.mode !== 'blur')
    throw invalid('query mode must be accurate or blur');
  checkString('tenant', query.tenant, CONFIG_LIMITS.tenant, false);
  if (query.dataId !== undefined) checkString('dataId', query.dataId, CONFIG_LIMITS.dataId, false);
  if (query.group !== undefined) checkString('group', query.group, CONFIG_LIMITS.group, false);
  if (query.appName !== undefined) checkString('appName', query.appName, CONFIG_LIMITS.appName, false);
  if (query.tags !== undefined) {
    if (!Array.isArray(query.tags) || query.tags.length > 32)
      throw invalid('tags must be an array of at most 32');
    for (const t of query.tags) checkString('tag', t, CONFIG_LIMITS.tag, true);
  }
}

/** Validates a page request. */
export function validatePage(page: PageRequest): void {
  if (typeof page !== 'object' || page === null) throw invalid('page must be an object');
  if (!Number.isSafeInteger(page.pageNo) || page.pageNo < 1) throw invalid('pageNo must be an integer >= 1');
  if (!Number.isSafeInteger(page.pageSize) || page.pageSize < 1 || page.pageSize > MAX_PAGE_SIZE) {
    throw invalid(`pageSize must be an integer in 1..${MAX_PAGE_SIZE}`);
  }
}

/** Validates a `limit` argument in `1..max`. */
export function validateLimit(limit: number, max: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > max)
    throw invalid(`limit must be an integer in 1..${max}`);
}

/** Validates a bcrypt hash (see `BCRYPT_HASH`). */
export function validatePasswordHash(hash: unknown): void {
  if (typeof hash !== 'string' || !BCRYPT_HASH.test(hash)) {
    throw invalid('password must be a bcrypt hash ($2a$/$2b$/$2y$); hash it before storing');
  }
}

/** Validates a naming kind (`^[a-z][a-z0-9-]{0,31}$`). */
export function validateNamingKind(kind: unknown): void {
  if (typeof kind !== 'string' || !/^[a-z][a-z0-9-]{0,31}$/.test(kind)) {
    throw invalid('naming kind must match ^[a-z][a-z0-9-]{0,31}$');
  }
}

/** Size limits of the naming and KV spaces. */
export const KV_LIMITS = {
  namingKey: 512,
  namingValueChars: 16 * 1024 * 1024,
  kvKey: 1024,
  kvValueBytes: 64 * 1024 * 1024,
  rangeLimit: 10_000,
} as const;
