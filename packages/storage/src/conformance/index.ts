import type { Storage, StorageSupports } from '../storage.js';
import type { StorageFactory, StorageHarness, SuiteContext, SuiteTestApi } from './api.js';
import { authCases } from './auth-cases.js';
import { configCases } from './config-cases.js';
import { historyCases } from './history-cases.js';
import { namingKvCases } from './naming-kv-cases.js';
import { robustnessCases } from './robustness-cases.js';
import { snapshotCases } from './snapshot-cases.js';

export type { StorageFactory, StorageHarness, SuiteExpect, SuiteTestApi } from './api.js';

/**
 * The `Storage` conformance suite. Every adapter runs it unchanged, gated by the capabilities it
 * declares (abstract-level's `supports`):
 *
 * ```ts
 * import { describe, it, expect, beforeEach, afterEach } from 'vitest';
 * import { runStorageConformance } from '@reg/storage/conformance';
 * runStorageConformance('LevelStorage', factory, { describe, it, expect, beforeEach, afterEach }, supports);
 * ```
 *
 * Each case gets a fresh store from `factory` in `beforeEach` and calls `cleanup()` in `afterEach`.
 * Randomised cases print `SEED=...` on failure and replay with that environment variable.
 */
export function runStorageConformance(
  name: string,
  factory: StorageFactory,
  t: SuiteTestApi,
  supports: StorageSupports,
): void {
  let harness: StorageHarness | undefined;
  let current: Storage | undefined;
  const s: SuiteContext = {
    t,
    supports,
    store: () => {
      if (current === undefined) throw new Error('no store: the factory did not run');
      return current;
    },
    reopen: async () => {
      if (harness?.reopen === undefined)
        throw new Error(`${name} declares persistent but its harness has no reopen()`);
      current = await harness.reopen();
      return current;
    },
  };
  t.describe(`${name} (storage conformance)`, () => {
    t.beforeEach(async () => {
      harness = await factory();
      current = harness.storage;
    });
    t.afterEach(async () => {
      const h = harness;
      harness = undefined;
      current = undefined;
      await h?.cleanup();
    });
    configCases(s);
    historyCases(s);
    authCases(s);
    namingKvCases(s);
    robustnessCases(s);
    snapshotCases(s);
  });
}
