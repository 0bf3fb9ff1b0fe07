import type { Page, PageRequest } from './page.js';

/**
 * Well-known kinds of persistent naming data. Any kind matching `^[a-z][a-z0-9-]{0,31}$` is
 * accepted, so the naming module can add kinds without a storage change.
 */
export const NamingKind = {
  /** Service metadata; key `<namespace>@@<group>@@<service>`. */
  Service: 'service',
  /** The persistent instances of one service (one value per service, as Nacos' `Instances` datum). */
  Instances: 'instances',
  /** Server switches (`/v1/ns/operator/switches`); key `switches`. */
  Switches: 'switches',
} as const;

/** One stored naming value. */
export interface NamingEntry {
  readonly kind: string;
  readonly key: string;
  /** Opaque to storage: the naming module's serialised value (JSON text in practice). */
  readonly value: string;
}

/** One operation of {@link NamingStore.batch}. */
export type NamingOp =
  | { readonly type: 'put'; readonly kind: string; readonly key: string; readonly value: string }
  | { readonly type: 'del'; readonly kind: string; readonly key: string };

/**
 * Persistent naming data (services, persistent instances, switches) as a key-value space
 * partitioned by `kind`.
 *
 * Why key-value and not typed records: the naming model (services, clusters, instance metadata,
 * health-check settings) belongs to the naming module and changes with it; storage never queries
 * inside it, only by key and key prefix. Nacos itself keeps this data as key → JSON datum
 * (`com.alibaba.nacos.naming.iplist.<ns>##<group>@@<service>`). Opaque values keep the three
 * adapters identical and let the naming module evolve without a schema migration.
 *
 * Ordering: {@link list} by key in code point order. Keys are 1..512 characters, values at most
 * 16 MiB; neither may contain NUL.
 */
export interface NamingStore {
  put(kind: string, key: string, value: string): Promise<void>;
  get(kind: string, key: string): Promise<string | undefined>;
  /** Resolves whether the key existed. */
  delete(kind: string, key: string): Promise<boolean>;
  /** Applies every op atomically, in order (a later op on the same key wins). */
  batch(ops: readonly NamingOp[]): Promise<void>;
  /** A page of the entries of one kind whose key starts with `prefix` (default: all). */
  list(kind: string, page: PageRequest, prefix?: string): Promise<Page<NamingEntry>>;
}
