import { join } from 'node:path';
import type { Storage } from '@reg/storage';
import { runStorageConformance } from '@reg/storage/conformance';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LevelStorage } from '../src/level-storage.js';
import { tempDir } from './tmp.js';

runStorageConformance(
  'LevelStorage',
  async () => {
    const dir = await tempDir('level-storage');
    const location = join(dir.path, 'db');
    let storage: Storage = new LevelStorage({ location, faultInjection: true });
    await storage.open();
    return {
      storage,
      reopen: async () => {
        await storage.close();
        storage = new LevelStorage({ location, faultInjection: true });
        await storage.open();
        return storage;
      },
      cleanup: async () => {
        await storage.close();
        await dir.remove();
      },
    };
  },
  { describe, it, expect, beforeEach, afterEach },
  { persistent: true, fourByteUtf8: true, faultInjection: true, snapshot: true },
);
