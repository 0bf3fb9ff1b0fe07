import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runStorageConformance } from '../src/conformance/index.js';
import { MemoryStorage } from '../src/memory/memory-storage.js';

runStorageConformance(
  'MemoryStorage',
  async () => {
    const storage = new MemoryStorage();
    await storage.open();
    return { storage, cleanup: () => storage.close() };
  },
  { describe, it, expect, beforeEach, afterEach },
  { persistent: false, fourByteUtf8: true, faultInjection: true, snapshot: true },
);
