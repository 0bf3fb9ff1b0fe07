import { join } from 'node:path';
import { listFiles, readFileIfExists, safeSegment, writeFileAtomic } from '../cache-files.js';
import type { Logger } from '../logger.js';
import { keyOf, parseServiceInfo, type ServiceInfo, serviceInfoJson } from './model.js';

/** The name of a service's file in the snapshot and failover directories. */
export function cacheFileName(key: string): string {
  return safeSegment(key);
}

/**
 * Naming's files on disk (seed 002): a snapshot of every service the client read, rewritten after
 * each update, and a `failover` directory beside it whose files, when present, override what
 * servers say (written by hand in an emergency). Both hold Nacos' `ServiceInfo` JSON, one file per
 * `group@@service@@clusters` key (percent-encoded). I/O errors are logged, never thrown: the
 * cache must not break the calls it backs up.
 */
export class NamingCache {
  readonly dir: string;
  readonly failoverDir: string;
  readonly #logger: Logger;
  /** Serialises writes per file, so an older snapshot never lands after a newer one. */
  readonly #writes = new Map<string, Promise<void>>();

  constructor(dir: string, logger: Logger) {
    this.dir = dir;
    this.failoverDir = join(dir, 'failover');
    this.#logger = logger;
  }

  /** Writes the snapshot of `info` (asynchronously; `flush()` waits for pending writes). */
  write(info: ServiceInfo): void {
    const file = join(this.dir, cacheFileName(keyOf(info)));
    const previous = this.#writes.get(file) ?? Promise.resolve();
    const next = previous
      .then(() => writeFileAtomic(file, serviceInfoJson(info)))
      .catch((err: unknown) => this.#logger.warn({ file, err: String(err) }, 'cannot write naming snapshot'))
      .finally(() => {
        if (this.#writes.get(file) === next) this.#writes.delete(file);
      });
    this.#writes.set(file, next);
  }

  /** Resolves once every write started so far has finished. */
  async flush(): Promise<void> {
    await Promise.all([...this.#writes.values()]);
  }

  /** The snapshot of one key, if a readable one exists. */
  async readSnapshot(key: string): Promise<ServiceInfo | undefined> {
    return this.#readFile(join(this.dir, cacheFileName(key)));
  }

  /** Every readable snapshot (for `loadCacheAtStart`). */
  async readAllSnapshots(): Promise<ServiceInfo[]> {
    return this.#readDir(this.dir);
  }

  /** Every readable failover file, keyed as the client keys services. */
  async readFailover(): Promise<Map<string, ServiceInfo>> {
    const found = await this.#readDir(this.failoverDir);
    return new Map(found.map((info) => [keyOf(info), info]));
  }

  async #readDir(dir: string): Promise<ServiceInfo[]> {
    let names: string[];
    try {
      names = await listFiles(dir);
    } catch (err) {
      this.#logger.warn({ dir, err: String(err) }, 'cannot list naming cache');
      return [];
    }
    const infos = await Promise.all(names.map((name) => this.#readFile(join(dir, name))));
    return infos.filter((i): i is ServiceInfo => i !== undefined);
  }

  async #readFile(file: string): Promise<ServiceInfo | undefined> {
    try {
      const text = await readFileIfExists(file);
      return text === undefined ? undefined : parseServiceInfo(JSON.parse(text));
    } catch (err) {
      this.#logger.warn({ file, err: String(err) }, 'ignoring unreadable naming cache file');
      return undefined;
    }
  }
}
