import { EMPTY_HARD_STATE, type Entry, type PersistedState, type SnapshotMetadata } from '@reg/raft';
import { StorageError } from '@reg/storage';
import type { Level } from 'level';
import { decodeEntry, decodeHardState, decodeSnapshot, LOG_KEYS } from './log-codec.js';

/**
 * Reads the whole Raft log, checking every entry (checksum, index), contiguity, term order and that
 * the committed index is present; damage is `STORAGE_CORRUPTED` naming `where` and the entry, never
 * a shorter log. `empty` is the compaction point of a store that never recorded one.
 */
export async function readLog(
  db: Level<string, Uint8Array>,
  where: string,
  empty: SnapshotMetadata,
): Promise<PersistedState> {
  const [h, s] = await db.getMany([LOG_KEYS.hardState, LOG_KEYS.snapshot]);
  const hardState = h === undefined ? EMPTY_HARD_STATE : decodeHardState(h, where);
  const snapshot = s === undefined ? empty : decodeSnapshot(s, where);
  const entries: Entry[] = [];
  let expect = snapshot.index + 1;
  let term = snapshot.term;
  const it = db.iterator({ gte: LOG_KEYS.entry(expect), lt: `${LOG_KEYS.entryPrefix}~` });
  try {
    for (;;) {
      const rows = await it.nextv(1024);
      if (rows.length === 0) break;
      for (const [key, value] of rows) {
        const index = Number(key.slice(1));
        if (index !== expect) {
          throw new StorageError(
            'STORAGE_CORRUPTED',
            `raft log in ${where} has a gap: entry ${expect} is missing (next is ${key.slice(1)}); LevelDB may have dropped a damaged write-ahead log record`,
            { location: `${where} (entry ${expect})` },
          );
        }
        const e = decodeEntry(value, index, where);
        if (e.term < term) {
          throw new StorageError(
            'STORAGE_CORRUPTED',
            `raft log in ${where}: term of entry ${index} decreases`,
            {
              location: `${where} (entry ${index})`,
            },
          );
        }
        term = e.term;
        entries.push(e);
        expect++;
      }
    }
  } finally {
    await it.close();
  }
  const last = snapshot.index + entries.length;
  if (hardState.commit > last) {
    throw new StorageError(
      'STORAGE_CORRUPTED',
      `raft log in ${where} ends at ${last} but its hard state says ${hardState.commit} is committed: committed entries are lost`,
      { location: where },
    );
  }
  return { hardState, snapshot, entries };
}
