import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isStorageError } from '@reg/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { DAMAGE_MARKER } from '../src/level-recovery.js';
import { LevelStorage } from '../src/level-storage.js';
import { tempDir } from './tmp.js';

const KEY = { group: 'g', tenant: '' };

describe('LevelStorage on damaged files', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  /** A store with `n` configs of incompressible content, closed; reopened once so they sit in a table file. */
  async function filled(n: number, inTable: boolean): Promise<{ location: string; contents: string[] }> {
    const dir = await tempDir('level-corrupt');
    cleanups.push(dir.remove);
    const location = join(dir.path, 'db');
    const contents = Array.from({ length: n }, () => randomBytes(300).toString('base64'));
    const s = new LevelStorage({ location });
    await s.open();
    for (const [i, content] of contents.entries())
      await s.configs.publish({ ...KEY, dataId: `d${i}`, content });
    await s.close();
    if (inTable) {
      // Reopening recovers the write-ahead log into a level-0 table file.
      const again = new LevelStorage({ location });
      await again.open();
      await again.close();
    }
    return { location, contents };
  }

  /** Opens and reads everything; returns the error, if any. */
  async function openAndRead(location: string): Promise<unknown> {
    const s = new LevelStorage({ location });
    try {
      await s.open();
      const page = await s.configs.search({ tenant: '', mode: 'accurate' }, { pageNo: 1, pageSize: 1000 });
      for (const c of page.pageItems) await s.configs.get(c);
      return undefined;
    } catch (err) {
      return err;
    } finally {
      await s.close();
    }
  }

  function expectCorrupted(err: unknown, names: string): void {
    expect(isStorageError(err) ? err.code : String(err)).toBe('STORAGE_CORRUPTED');
    expect((err as Error).message).toContain(names);
  }

  it('a damaged CURRENT file', async () => {
    const { location } = await filled(5, true);
    await writeFile(join(location, 'CURRENT'), 'garbage');
    expectCorrupted(await openAndRead(location), join(location, 'CURRENT'));
  });

  it('a missing table file', async () => {
    const { location } = await filled(5, true);
    const table = (await readdir(location)).find((f) => f.endsWith('.ldb')) as string;
    await rm(join(location, table));
    expectCorrupted(await openAndRead(location), join(location, table));
  });

  it('a flipped byte inside a table file', async () => {
    const { location, contents } = await filled(20, true);
    const table = (await readdir(location)).find((f) => f.endsWith('.ldb')) as string;
    const path = join(location, table);
    const bytes = await readFile(path);
    const at = bytes.indexOf(Buffer.from((contents[7] as string).slice(0, 40)));
    expect(at > 0).toBe(true);
    bytes[at + 20] = (bytes[at + 20] as number) ^ 0x01;
    await writeFile(path, bytes);
    expectCorrupted(await openAndRead(location), path);
  });

  it('a damaged write-ahead log record: refused, and still refused on the next open', async () => {
    const { location, contents } = await filled(20, false);
    const log = (await readdir(location)).find((f) => f.endsWith('.log')) as string;
    const path = join(location, log);
    const bytes = await readFile(path);
    const at = bytes.indexOf(Buffer.from((contents[10] as string).slice(0, 40)));
    expect(at > 0).toBe(true);
    bytes[at + 5] = (bytes[at + 5] as number) ^ 0x01;
    await writeFile(path, bytes);
    expectCorrupted(await openAndRead(location), path);
    expectCorrupted(await openAndRead(location), path);
    expect((await readdir(location)).includes(DAMAGE_MARKER)).toBe(true);
  });

  it('a second process on the same folder gets STORAGE_IO naming the folder', async () => {
    const { location } = await filled(1, false);
    // Constructed but never opened: must not take the lock.
    const idle = new LevelStorage({ location });
    cleanups.push(() => idle.close());
    const a = new LevelStorage({ location });
    await a.open();
    cleanups.push(() => a.close());
    const err = await openAndRead(location);
    expect(isStorageError(err) ? err.code : String(err)).toBe('STORAGE_IO');
    expect((err as Error).message).toContain(location);
  });
});
