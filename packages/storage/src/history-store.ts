import type { ConfigKey } from './config-store.js';
import type { Page, PageRequest } from './page.js';

/** One `his_config_info` row. */
export interface HistoryRecord extends ConfigKey {
  /** Store-assigned, unique, increasing in write order across all configs. */
  readonly nid: number;
  /** The `id` of the config the row belongs to. */
  readonly id: number;
  readonly appName: string;
  /**
   * For `I` the inserted content, for `U` the content **before** the update, for `D` the deleted
   * content (Nacos' rule: history keeps what a rollback would need).
   */
  readonly content: string;
  /** md5 of `content`. */
  readonly md5: string;
  readonly srcUser: string;
  readonly srcIp: string;
  readonly opType: 'I' | 'U' | 'D';
  /** Time of the change, ms since the epoch. */
  readonly createdTime: number;
  /** Time of the change, ms since the epoch (equal to `createdTime`; both exist in Nacos' shape). */
  readonly modifiedTime: number;
}

/**
 * Config history. Rows are written only by {@link ConfigStore} writes, in the same atomic step.
 *
 * Ordering: {@link list} is newest first (descending `nid`).
 */
export interface ConfigHistoryStore {
  /** The history of one config key, newest first. Rows of a deleted and re-created config are included. */
  list(key: ConfigKey, page: PageRequest): Promise<Page<HistoryRecord>>;

  /** The row with that `nid`, or `undefined`. */
  get(nid: number): Promise<HistoryRecord | undefined>;

  /**
   * The newest row of config `id` (Nacos `/history/previous?id=`), or `undefined`. With
   * `beforeNid`, the newest row whose `nid` is below it (the version before a given row).
   */
  previous(id: number, beforeNid?: number): Promise<HistoryRecord | undefined>;

  /**
   * Deletes rows whose `modifiedTime` is before `time` (retention, Nacos' 30 days), at most
   * `limit` of them (oldest first) per call so one call stays bounded. Resolves the count deleted.
   */
  purgeBefore(time: number, limit: number): Promise<number>;
}
