import { join } from 'node:path';
import { readFileIfExists, removeFile, safeSegment, writeFileAtomic } from '../cache-files.js';
import type { Logger } from '../logger.js';
import type { ConfigKey } from './config-key.js';

/**
 * Config's files on disk, laid out as the Nacos Java client lays them out under its cache
 * directory: snapshots in `snapshot[-tenant/<tenant>]/<group>/<dataId>` (rewritten whenever a
 * server answers, removed when the config is gone) and failover files in
 * `data/config-data[-tenant/<tenant>]/<group>/<dataId>`, which override servers while they exist.
 * Each file holds the raw content. I/O errors are logged, never thrown.
 */
export class ConfigCache {
  readonly dir: string;
  readonly #logger: Logger;
  readonly #writes = new Map<string, Promise<void>>();

  constructor(dir: string, logger: Logger) {
    this.dir = dir;
    this.#logger = logger;
  }

  snapshotPath(key: ConfigKey): string {
    return this.#path(key, 'snapshot', 'snapshot-tenant');
  }

  failoverPath(key: ConfigKey): string {
    return this.#path(key, join('data', 'config-data'), join('data', 'config-data-tenant'));
  }

  async readFailover(key: ConfigKey): Promise<string | undefined> {
    return this.#read(this.failoverPath(key));
  }

  async readSnapshot(key: ConfigKey): Promise<string | undefined> {
    return this.#read(this.snapshotPath(key));
  }

  /** Records what a server answered: the content, or no file when the config does not exist. */
  writeSnapshot(key: ConfigKey, content: string | undefined): Promise<void> {
    const file = this.snapshotPath(key);
    const previous = this.#writes.get(file) ?? Promise.resolve();
    const next = previous
      .then(() => (content === undefined ? removeFile(file) : writeFileAtomic(file, content)))
      .catch((err: unknown) => this.#logger.warn({ file, err: String(err) }, 'cannot write config snapshot'))
      .finally(() => {
        if (this.#writes.get(file) === next) this.#writes.delete(file);
      });
    this.#writes.set(file, next);
    return next;
  }

  async flush(): Promise<void> {
    await Promise.all([...this.#writes.values()]);
  }

  #path(key: ConfigKey, plain: string, withTenant: string): string {
    const group = safeSegment(key.group);
    const dataId = safeSegment(key.dataId);
    return key.tenant === ''
      ? join(this.dir, plain, group, dataId)
      : join(this.dir, withTenant, safeSegment(key.tenant), group, dataId);
  }

  async #read(file: string): Promise<string | undefined> {
    try {
      return await readFileIfExists(file);
    } catch (err) {
      this.#logger.warn({ file, err: String(err) }, 'ignoring unreadable config cache file');
      return undefined;
    }
  }
}
