import { describe, expect, it } from 'vitest';
import type { PersistedState } from '../../src/storage/log-storage.js';
import { MemoryLogStorage } from '../../src/storage/memory-log-storage.js';
import { runLogStorageSuite } from '../../src/testing/log-storage-suite.js';

// "Reopening" a memory store starts a new instance from the state the previous one held, which is
// what a process restart with an intact disk looks like.
runLogStorageSuite(
  'MemoryLogStorage',
  async () => {
    let current: MemoryLogStorage | undefined;
    return {
      async open() {
        const state: PersistedState | undefined = current?.state;
        current = new MemoryLogStorage(state, current?.savedSnapshot);
        return current;
      },
    };
  },
  { describe, it, expect },
  { snapshots: true },
);
