import { readFile, rename, writeFile } from 'node:fs/promises';
import type { KvStore } from '@reg/storage';

/**
 * Where a member records the last Raft index its modules applied, so a restart replays only the
 * entries after it. It must live beside the modules' own state and be written after it, so that
 * a checkpoint never survives a crash that lost the state it vouches for.
 */
export interface AppliedCheckpoint {
  /** 0 when nothing was recorded yet. */
  load(): Promise<number>;
  save(index: number): Promise<void>;
}

/** The key in the storage's kv space. */
export const APPLIED_KEY = 'reg/raft/applied-index';

function parseIndex(text: string, where: string): number {
  const value = Number(text.trim());
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${where} holds ${JSON.stringify(text.slice(0, 40))}, not an applied index`);
  }
  return value;
}

/**
 * In the embedded storage's kv space: the same LevelDB as the modules' state, whose writes land in
 * order, so the checkpoint can only be as new as the state before it.
 */
export function kvCheckpoint(kv: KvStore): AppliedCheckpoint {
  return {
    async load() {
      const bytes = await kv.get(APPLIED_KEY);
      return bytes === undefined ? 0 : parseIndex(new TextDecoder().decode(bytes), `kv key ${APPLIED_KEY}`);
    },
    async save(index) {
      await kv.batch([{ type: 'put', key: APPLIED_KEY, value: new TextEncoder().encode(String(index)) }]);
    },
  };
}

/**
 * In a local file, for storage shared by several members (MySQL), whose kv space is not this
 * member's own. Writes there are durable when they return, so a file written afterwards can lag
 * them but not lead. A file lost or torn by a crash reads as 0: a full replay, which is safe.
 */
export function fileCheckpoint(path: string, onDamage: (err: Error) => void): AppliedCheckpoint {
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw err;
      }
      try {
        return parseIndex(text, path);
      } catch (err) {
        onDamage(err as Error);
        return 0;
      }
    },
    async save(index) {
      const temp = `${path}.tmp`;
      await writeFile(temp, `${index}\n`);
      await rename(temp, path);
    },
  };
}
