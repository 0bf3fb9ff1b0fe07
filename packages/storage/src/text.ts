import { createHash } from 'node:crypto';
import type { Page, PageRequest } from './page.js';

/** Lower-case hex md5 of the UTF-8 bytes of `content` (Nacos' `Content-MD5` and stored md5). */
export function md5Hex(content: string): string {
  return createHash('md5').update(content, 'utf8').digest('hex');
}

/**
 * Compares strings by Unicode code point (the order of their UTF-8 bytes, which is LevelDB's and
 * MySQL `utf8mb4_bin`'s), not by UTF-16 unit as `<` does.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800-DFFF) encode code points above FFFF, so they sort after E000-FFFF.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Turns a blur pattern (`*` = any run, everything else literal) into an anchored RegExp. Used by
 * the memory and LevelDB adapters; SQL adapters use {@link wildcardToLike}.
 */
export function wildcardToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${body}$`, 'u');
}

/**
 * Turns a blur pattern into a SQL `LIKE` pattern with `\` as the escape character: `%`, `_` and
 * `\` are escaped and `*` becomes `%`. Use with `LIKE ? ESCAPE '\\'` and a bound parameter.
 */
export function wildcardToLike(pattern: string): string {
  return pattern.replace(/[\\%_]/g, '\\$&').replace(/\*/g, '%');
}

/** Slices one page out of a fully sorted array. */
export function pageOf<T>(items: readonly T[], page: PageRequest): Page<T> {
  const start = (page.pageNo - 1) * page.pageSize;
  return makePage(items.length, page, items.slice(start, start + page.pageSize));
}

/** Builds a {@link Page} from a total and the items of the requested page. */
export function makePage<T>(totalCount: number, page: PageRequest, pageItems: readonly T[]): Page<T> {
  return {
    totalCount,
    pageNumber: page.pageNo,
    pagesAvailable: Math.ceil(totalCount / page.pageSize),
    pageItems,
  };
}
