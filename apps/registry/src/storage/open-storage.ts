import { join } from 'node:path';
import type { Storage, Logger as StorageLogger } from '@reg/storage';
import { LevelStorage } from '@reg/storage-level';
import { MysqlStorage, parseMysqlProperties } from '@reg/storage-mysql';
import type { RegistryConfig } from '../config/load-config.js';

export type StorageKind = 'embedded' | 'mysql';

export interface OpenedStorage {
  readonly kind: StorageKind;
  readonly storage: Storage;
  /** For the start line: the LevelDB folder, or the MySQL datasources. */
  readonly where: string;
}

/** A configuration problem with the datasource settings, reported like other config errors. */
export class StorageConfigError extends Error {
  override name = 'StorageConfigError';
}

/**
 * Chooses the adapter from `spring.datasource.platform`, as Nacos does: `mysql` uses the
 * `db.*` datasources; unset (or `embedded`) uses LevelDB under the data directory. Changing
 * adapters is this one line of configuration.
 */
export function chooseStorage(config: RegistryConfig, logger: StorageLogger): OpenedStorage {
  const platform = (config.properties.get('spring.datasource.platform') ?? '').trim().toLowerCase();
  if (platform === '' || platform === 'embedded' || platform === 'derby') {
    const location = join(config.dataDir, 'storage');
    // Standalone configs are acknowledged once this write returns, so it must reach the disk.
    return { kind: 'embedded', storage: new LevelStorage({ location, sync: true }), where: location };
  }
  if (platform === 'mysql') {
    let options: ReturnType<typeof parseMysqlProperties>;
    try {
      options = parseMysqlProperties(config.properties);
    } catch (err) {
      throw new StorageConfigError((err as Error).message, { cause: err });
    }
    const where = options.dataSources.map((d) => `${d.host}:${d.port}/${d.database}`).join(', ');
    // No nacos/nacos seeded into a new database: the auth module creates the first admin with a
    // password set at first start (issue 13).
    return { kind: 'mysql', storage: new MysqlStorage({ ...options, logger, seedAdmin: false }), where };
  }
  throw new StorageConfigError(
    `spring.datasource.platform=${JSON.stringify(platform)}: expected mysql, or unset for embedded storage`,
  );
}
