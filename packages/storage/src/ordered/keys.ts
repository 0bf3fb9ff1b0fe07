/**
 * The key layout of {@link OrderedStorage}. Components are joined with NUL, which no stored
 * string may contain (validation rejects it), so a prefix scan over `a\0` never sees `a\0b`'s
 * siblings by accident and components sort before their extensions.
 * Numbers are zero-padded to 16 digits so that string order is numeric order.
 * The README of `@reg/storage-level` documents this table.
 */
export const SEP = '\u0000';
/** The key just above every key starting with a prefix that ends in {@link SEP} or `!`. */
export const HIGH = '\u{10FFFF}';

/** Zero-padded decimal, 16 digits. */
export function num(n: number): string {
  return n.toString().padStart(16, '0');
}

export const K = {
  version: 'm!version',
  configSeq: 'm!seq!config',
  historySeq: 'm!seq!history',
  kvGeneration: 'm!kv-generation',
  /** `c!k!<tenant>\0<group>\0<dataId>` → config record (JSON): one lookup per read. */
  configByKey: (t: string, g: string, d: string) => `c!k!${t}${SEP}${g}${SEP}${d}`,
  /** `c!t!<tenant>\0<id>` → summary `{dataId, group, appName, tags}`. Ordered by tenant then id: search scans one tenant. */
  configRow: (t: string, id: number) => `c!t!${t}${SEP}${num(id)}`,
  configTenantPrefix: (t: string) => `c!t!${t}${SEP}`,
  /** `c!i!<id>` → `[tenant, group, dataId]` (for `getById`). */
  configById: (id: number) => `c!i!${num(id)}`,
  /** `h!n!<nid>` → history record (JSON). */
  historyRow: (nid: number) => `h!n!${num(nid)}`,
  /** `h!k!<tenant>\0<group>\0<dataId>\0<nid>` → empty: history of one key, newest last. */
  historyByKey: (t: string, g: string, d: string, nid: number) =>
    `h!k!${t}${SEP}${g}${SEP}${d}${SEP}${num(nid)}`,
  historyKeyPrefix: (t: string, g: string, d: string) => `h!k!${t}${SEP}${g}${SEP}${d}${SEP}`,
  /** `h!c!<configId>\0<nid>` → empty: history of one config id. */
  historyById: (id: number, nid: number) => `h!c!${num(id)}${SEP}${num(nid)}`,
  historyIdPrefix: (id: number) => `h!c!${num(id)}${SEP}`,
  /** `h!t!<time>\0<nid>` → empty: retention order. */
  historyByTime: (time: number, nid: number) => `h!t!${num(time)}${SEP}${num(nid)}`,
  /** `n!<namespaceId>` → namespace record (JSON). */
  namespace: (id: string) => `n!${id}`,
  /** `u!<username>` → user record (JSON). */
  user: (u: string) => `u!${u}`,
  /** `r!<role>\0<username>` → empty. */
  role: (r: string, u: string) => `r!${r}${SEP}${u}`,
  /** `R!<username>\0<role>` → empty: roles of one user. */
  roleByUser: (u: string, r: string) => `R!${u}${SEP}${r}`,
  /** `p!<role>\0<resource>\0<action>` → empty. */
  permission: (r: string, res: string, a: string) => `p!${r}${SEP}${res}${SEP}${a}`,
  /** `s!<kind>\0<key>` → value (UTF-8). */
  naming: (kind: string, key: string) => `s!${kind}${SEP}${key}`,
  /** `k!<generation>!<key>` → value bytes; only the generation in `m!kv-generation` is live. */
  kv: (gen: number, key: string) => `k!${num(gen)}!${key}`,
  kvPrefix: (gen: number) => `k!${num(gen)}!`,
} as const;

/** The range covering every key that starts with `prefix`. */
export function prefixRange(prefix: string): { gte: string; lt: string } {
  return { gte: prefix, lt: prefix + HIGH };
}
