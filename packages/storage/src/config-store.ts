import type { Page, PageRequest } from './page.js';

/**
 * The identity of a config: Nacos' unique key `(data_id, group_id, tenant_id)`.
 * `tenant` is the namespace id; the public namespace is `''` (callers normalise `public`/`null`).
 */
export interface ConfigKey {
  readonly dataId: string;
  readonly group: string;
  readonly tenant: string;
}

/** A stored config, the `config_info` row. */
export interface ConfigRecord extends ConfigKey {
  /** Store-assigned, unique, never reused, increasing in insertion order. Stays fixed across updates. */
  readonly id: number;
  readonly content: string;
  /** Lower-case hex md5 of the UTF-8 bytes of `content`. Always computed by the store. */
  readonly md5: string;
  /** Nacos config type (`text`, `json`, `yaml`, ...); `''` when unset. Stored as given. */
  readonly type: string;
  readonly appName: string;
  readonly desc: string;
  /** Tags (Nacos `config_tags`), de-duplicated, in the order first given. */
  readonly tags: readonly string[];
  readonly use: string;
  readonly effect: string;
  readonly schema: string;
  /** Milliseconds since the epoch: first insert. */
  readonly createdTime: number;
  /** Milliseconds since the epoch: last write. Invariant: `modifiedTime >= createdTime`. */
  readonly modifiedTime: number;
  readonly srcUser: string;
  readonly srcIp: string;
}

/** Who made a change and when. Every field is optional. */
export interface ChangeMeta {
  readonly srcUser?: string;
  readonly srcIp?: string;
  /**
   * The time of the change in ms since the epoch; defaults to `Date.now()`. A Raft-replicated
   * store passes the time recorded in the log entry so every member stores the same rows.
   */
  readonly time?: number;
}

/** The input of {@link ConfigStore.publish}. Omitted optional fields become `''` (tags `[]`). */
export interface PublishConfigInput extends ConfigKey, ChangeMeta {
  readonly content: string;
  readonly type?: string;
  readonly appName?: string;
  readonly desc?: string;
  readonly tags?: readonly string[];
  readonly use?: string;
  readonly effect?: string;
  readonly schema?: string;
  /**
   * Compare-and-set. When present the write happens only if the stored md5 equals it:
   * `''` means "the config must not exist yet" (create-only); any other value must equal the
   * current md5 (so an absent config never matches it). A mismatch rejects with
   * `STORAGE_CAS_MISMATCH` (carrying `actualMd5`) and writes nothing. Among concurrent
   * publishes expecting the same md5, exactly one wins.
   */
  readonly casMd5?: string;
}

/** What {@link ConfigStore.publish} did. */
export interface PublishResult {
  /** `I` for an insert, `U` for an update (the history row's op type). */
  readonly opType: 'I' | 'U';
  /** The record as stored after the write. */
  readonly config: ConfigRecord;
  /** The `nid` of the history row written with it. */
  readonly historyNid: number;
}

/** What {@link ConfigStore.delete} did. */
export interface DeleteResult {
  /** The record that was removed. */
  readonly config: ConfigRecord;
  /** The `nid` of the `D` history row written with it. */
  readonly historyNid: number;
}

/**
 * A config search. Empty or omitted `dataId`, `group`, `appName` mean "any".
 *
 * - `mode: 'accurate'`: non-empty fields match exactly (case-sensitive, byte for byte).
 * - `mode: 'blur'`: `dataId`, `group` and `appName` are patterns where `*` matches any run of
 *   characters; every other character (including `%`, `_`, `\`, `?`) is literal, and matching is
 *   on the whole value, as Nacos' `LIKE` with `*`→`%` after escaping.
 *
 * `tenant` always matches exactly (`''` is public). `tags`, when non-empty, keeps configs that
 * have at least one of them (Nacos' `config_tags` filter).
 */
export interface ConfigQuery {
  readonly tenant: string;
  readonly mode: 'accurate' | 'blur';
  readonly dataId?: string;
  readonly group?: string;
  readonly appName?: string;
  readonly tags?: readonly string[];
}

/**
 * Configs (`config_info` + `config_tags_relation`).
 *
 * ## Contract
 * - **Atomicity.** {@link publish} and {@link delete} write the config change and its history row
 *   (see {@link ConfigHistoryStore}) in one atomic step: both land or neither does, also when the
 *   process dies or the write fails half way.
 * - **Isolation.** Writes to one key are serialised: a publish sees the latest committed state,
 *   so `casMd5` is a true compare-and-set, also across concurrent callers on one store.
 * - **Validation.** Bad input rejects with `STORAGE_INVALID_ARGUMENT` and changes nothing; see
 *   `validateConfigKey` and `CONFIG_LIMITS`. Every other string is stored byte for byte, including
 *   quotes, `%`, `_`, `../` and any Unicode the adapter supports (see `StorageSupports.fourByteUtf8`).
 * - **Ordering.** {@link search} returns configs by ascending `id` (insertion order).
 */
export interface ConfigStore {
  /** Inserts or updates a config and writes its history row (`I` with the new content, `U` with the previous content). */
  publish(input: PublishConfigInput): Promise<PublishResult>;

  /** The config with that key, or `undefined`. */
  get(key: ConfigKey): Promise<ConfigRecord | undefined>;

  /** The config with that id, or `undefined`. */
  getById(id: number): Promise<ConfigRecord | undefined>;

  /**
   * Removes a config and writes a `D` history row holding the removed content. Resolves
   * `undefined` (writing nothing) when the config does not exist: deletes are idempotent, as in Nacos.
   */
  delete(key: ConfigKey, meta?: ChangeMeta): Promise<DeleteResult | undefined>;

  /** One page of the configs matching `query`, by ascending id. */
  search(query: ConfigQuery, page: PageRequest): Promise<Page<ConfigRecord>>;

  /** How many configs the namespace holds (the console's `configCount`). */
  count(tenant: string): Promise<number>;
}
