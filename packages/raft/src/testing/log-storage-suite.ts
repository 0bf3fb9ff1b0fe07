import { confStateOf, EMPTY_HARD_STATE, type Entry, EntryType, type HardState } from '../core/types.js';
import type { LogStorage, PersistedState } from '../storage/log-storage.js';
import { registerSnapshotCases } from './log-storage-snapshot-cases.js';

/** The subset of vitest's (or jest's) `expect` the suite uses. */
export type SuiteExpect = (actual: unknown) => {
  toEqual(expected: unknown): void;
  toBe(expected: unknown): void;
};

/** The test functions the suite registers its cases with (pass vitest's). */
export interface SuiteTestApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void>): void;
  expect: SuiteExpect;
}

/**
 * One store under test. `open()` opens the same underlying store each time (a new instance; the
 * suite closes the previous one first), which is how the suite checks durability across restarts.
 */
export interface LogStorageHarness {
  open(): Promise<LogStorage>;
  /** Removes whatever the store left behind (temp folders). */
  destroy?(): Promise<void>;
}

/** Creates a fresh, empty store for one test case. */
export type LogStorageFactory = () => Promise<LogStorageHarness>;

const bytes = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

/** Entries `from..to` of `term` with distinguishable payloads. */
export function ents(from: number, to: number, term: number, tag = 0): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) {
    out.push({ term, index: i, type: EntryType.Normal, data: bytes(tag, i & 0xff, (i >> 8) & 0xff) });
  }
  return out;
}

/** Normalises a loaded state into plain comparable data. */
export function plain(state: PersistedState): unknown {
  return {
    hardState: { term: state.hardState.term, vote: state.hardState.vote, commit: state.hardState.commit },
    snapshot: {
      index: state.snapshot.index,
      term: state.snapshot.term,
      confState: {
        voters: [...state.snapshot.confState.voters],
        learners: [...state.snapshot.confState.learners],
        votersOutgoing: [...state.snapshot.confState.votersOutgoing],
        learnersNext: [...state.snapshot.confState.learnersNext],
        autoLeave: state.snapshot.confState.autoLeave,
      },
    },
    entries: state.entries.map((e) => ({ term: e.term, index: e.index, type: e.type, data: [...e.data] })),
  };
}

/** Optional capabilities the store implements, whose cases the suite then runs too. */
export interface LogStorageSuiteOptions {
  /** The store implements `installSnapshot`, `saveSnapshot` and `loadSnapshot`. */
  readonly snapshots?: boolean;
}

/** A test body run with a fresh store (`reopen` closes it and opens the same store again). */
export type WithStore = (
  fn: (s: { store: LogStorage; reopen: () => Promise<LogStorage> }) => Promise<void>,
) => () => Promise<void>;

/**
 * The `LogStorage` conformance suite. Every implementation runs it unchanged (with
 * `{ snapshots: true }` as a fourth argument when it implements the snapshot capability):
 *
 * ```ts
 * import { describe, it, expect } from 'vitest';
 * import { runLogStorageSuite } from '@reg/raft/testing';
 * runLogStorageSuite('LevelLogStorage', factory, { describe, it, expect });
 * ```
 */
export function runLogStorageSuite(
  name: string,
  factory: LogStorageFactory,
  t: SuiteTestApi,
  options: LogStorageSuiteOptions = {},
): void {
  const { describe, it, expect } = t;

  /** Runs `body` with a fresh store; always closes and destroys. */
  const withStore: WithStore = (fn) => {
    return async () => {
      const harness = await factory();
      let store = await harness.open();
      const reopen = async () => {
        await store.close();
        store = await harness.open();
        return store;
      };
      try {
        await fn({
          get store() {
            return store;
          },
          reopen,
        });
      } finally {
        await store.close();
        await harness.destroy?.();
      }
    };
  };

  const hs = (term: number, vote: number, commit: number): HardState => ({ term, vote, commit });
  const zeroSnapshot = { index: 0, term: 0, confState: confStateOf([]) };

  describe(`LogStorage conformance: ${name}`, () => {
    it(
      'a fresh store loads the empty state',
      withStore(async ({ store }) => {
        expect(plain(await store.load())).toEqual(
          plain({ hardState: EMPTY_HARD_STATE, snapshot: zeroSnapshot, entries: [] }),
        );
      }),
    );

    it(
      'append persists entries and hard state across reopen',
      withStore(async (s) => {
        await s.store.append({ entries: ents(1, 5, 1), hardState: hs(1, 2, 3) });
        const store = await s.reopen();
        const loaded = await store.load();
        expect(plain(loaded)).toEqual(
          plain({ hardState: hs(1, 2, 3), snapshot: zeroSnapshot, entries: ents(1, 5, 1) }),
        );
      }),
    );

    it(
      'appends continue at lastIndex + 1',
      withStore(async (s) => {
        await s.store.append({ entries: ents(1, 3, 1) });
        await s.store.append({ entries: ents(4, 6, 2) });
        const loaded = await (await s.reopen()).load();
        expect(plain(loaded)).toEqual(
          plain({
            hardState: EMPTY_HARD_STATE,
            snapshot: zeroSnapshot,
            entries: [...ents(1, 3, 1), ...ents(4, 6, 2)],
          }),
        );
      }),
    );

    it(
      'an append at or below lastIndex truncates the conflicting suffix atomically',
      withStore(async (s) => {
        await s.store.append({ entries: ents(1, 5, 1), hardState: hs(1, 1, 1) });
        await s.store.append({ entries: ents(3, 4, 2, 9), hardState: hs(2, 0, 2) });
        const loaded = await (await s.reopen()).load();
        expect(plain(loaded)).toEqual(
          plain({
            hardState: hs(2, 0, 2),
            snapshot: zeroSnapshot,
            entries: [...ents(1, 2, 1), ...ents(3, 4, 2, 9)],
          }),
        );
      }),
    );

    it(
      'a hard-state-only append keeps the log',
      withStore(async (s) => {
        await s.store.append({ entries: ents(1, 2, 1) });
        await s.store.append({ entries: [], hardState: hs(3, 7, 2) });
        const loaded = await (await s.reopen()).load();
        expect(plain(loaded)).toEqual(
          plain({ hardState: hs(3, 7, 2), snapshot: zeroSnapshot, entries: ents(1, 2, 1) }),
        );
      }),
    );

    it(
      'an empty batch changes nothing',
      withStore(async (s) => {
        await s.store.append({ entries: ents(1, 2, 1), hardState: hs(1, 1, 0) });
        await s.store.append({ entries: [] });
        expect(plain(await s.store.load())).toEqual(
          plain({ hardState: hs(1, 1, 0), snapshot: zeroSnapshot, entries: ents(1, 2, 1) }),
        );
      }),
    );

    it(
      'payload bytes round-trip exactly (empty, zeros, 0xff, 64 KiB)',
      withStore(async (s) => {
        const big = new Uint8Array(65536);
        for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
        const entries: Entry[] = [
          { term: 1, index: 1, type: EntryType.Normal, data: new Uint8Array(0) },
          { term: 1, index: 2, type: EntryType.Normal, data: bytes(0, 0, 0) },
          { term: 1, index: 3, type: EntryType.ConfChange, data: bytes(255, 0, 255) },
          { term: 2, index: 4, type: EntryType.Normal, data: big },
        ];
        await s.store.append({ entries });
        const loaded = await (await s.reopen()).load();
        expect(plain(loaded)).toEqual(
          plain({ hardState: EMPTY_HARD_STATE, snapshot: zeroSnapshot, entries }),
        );
        expect(loaded.entries[3]!.data instanceof Uint8Array).toBe(true);
      }),
    );

    it(
      'a 2,000-entry batch round-trips in order',
      withStore(async (s) => {
        await s.store.append({ entries: ents(1, 2000, 4), hardState: hs(4, 1, 1500) });
        const loaded = await (await s.reopen()).load();
        expect(loaded.entries.length).toBe(2000);
        expect(loaded.entries.every((e, i) => e.index === i + 1 && e.term === 4)).toBe(true);
        expect(loaded.hardState.commit).toBe(1500);
      }),
    );

    it(
      'a gap, a non-contiguous batch or a decreasing term is rejected and changes nothing',
      withStore(async (s) => {
        await s.store.append({ entries: ents(1, 3, 2), hardState: hs(2, 1, 1) });
        const before = plain(await s.store.load());
        await rejectsWithCode(expect, s.store.append({ entries: ents(5, 6, 2) }));
        await rejectsWithCode(expect, s.store.append({ entries: [...ents(4, 4, 2), ...ents(6, 6, 2)] }));
        await rejectsWithCode(expect, s.store.append({ entries: ents(4, 5, 1) }));
        expect(plain(await s.store.load())).toEqual(before);
        expect(plain(await (await s.reopen()).load())).toEqual(before);
      }),
    );

    it(
      'a regressing hard state is rejected and changes nothing',
      withStore(async (s) => {
        await s.store.append({ entries: ents(1, 3, 2), hardState: hs(5, 1, 2) });
        const before = plain(await s.store.load());
        await rejectsWithCode(expect, s.store.append({ entries: [], hardState: hs(4, 1, 2) }));
        await rejectsWithCode(expect, s.store.append({ entries: [], hardState: hs(5, 1, 1) }));
        await rejectsWithCode(expect, s.store.append({ entries: ents(4, 4, 5), hardState: hs(5, 2, 2) }));
        expect(plain(await s.store.load())).toEqual(before);
      }),
    );

    it(
      'compact drops the prefix, records the snapshot and survives reopen',
      withStore(async (s) => {
        await s.store.append({ entries: [...ents(1, 4, 1), ...ents(5, 8, 2)], hardState: hs(2, 1, 8) });
        const snap = { index: 5, term: 2, confState: confStateOf([1, 2, 3], [4]) };
        await s.store.compact(snap);
        const loaded = await (await s.reopen()).load();
        expect(plain(loaded)).toEqual(
          plain({ hardState: hs(2, 1, 8), snapshot: snap, entries: ents(6, 8, 2) }),
        );
        // The log continues after the compaction point, and a conflicting suffix can still be cut.
        await s.store.append({ entries: ents(7, 9, 3) });
        const again = await (await s.reopen()).load();
        expect(plain(again)).toEqual(
          plain({ hardState: hs(2, 1, 8), snapshot: snap, entries: [...ents(6, 6, 2), ...ents(7, 9, 3)] }),
        );
      }),
    );

    it(
      'compacting the whole log leaves an empty log that continues after the snapshot',
      withStore(async (s) => {
        await s.store.append({ entries: ents(1, 4, 1) });
        const snap = { index: 4, term: 1, confState: confStateOf([1]) };
        await s.store.compact(snap);
        await s.store.compact(snap); // same point again: a no-op
        expect((await s.store.load()).entries.length).toBe(0);
        await s.store.append({ entries: ents(5, 5, 2) });
        const loaded = await (await s.reopen()).load();
        expect(plain(loaded)).toEqual(
          plain({ hardState: EMPTY_HARD_STATE, snapshot: snap, entries: ents(5, 5, 2) }),
        );
      }),
    );

    it(
      'bad compactions and appends below the compaction point are rejected and change nothing',
      withStore(async (s) => {
        await s.store.append({ entries: ents(1, 6, 1) });
        await s.store.compact({ index: 3, term: 1, confState: confStateOf([1]) });
        const before = plain(await s.store.load());
        const cs = confStateOf([1]);
        await rejectsWithCode(expect, s.store.compact({ index: 2, term: 1, confState: cs }));
        await rejectsWithCode(expect, s.store.compact({ index: 9, term: 1, confState: cs }));
        await rejectsWithCode(expect, s.store.compact({ index: 5, term: 7, confState: cs }));
        await rejectsWithCode(expect, s.store.append({ entries: ents(3, 4, 1) }));
        expect(plain(await s.store.load())).toEqual(before);
      }),
    );

    it(
      'every call after close rejects; close is idempotent',
      withStore(async (s) => {
        await s.store.append({ entries: ents(1, 1, 1) });
        await s.store.close();
        await s.store.close();
        await rejectsWithCode(expect, s.store.load());
        await rejectsWithCode(expect, s.store.append({ entries: ents(2, 2, 1) }));
        const reopened = await s.reopen();
        expect((await reopened.load()).entries.length).toBe(1);
      }),
    );

    if (options.snapshots === true) registerSnapshotCases(withStore, t);
  });
}

/** Asserts that `promise` rejects with an error carrying a string `code` (a typed error). */
export async function rejectsWithCode(expect: SuiteExpect, promise: Promise<unknown>): Promise<void> {
  let error: unknown;
  let rejected = false;
  try {
    await promise;
  } catch (e) {
    rejected = true;
    error = e;
  }
  expect(rejected).toBe(true);
  expect(typeof (error as { code?: unknown } | undefined)?.code).toBe('string');
}
