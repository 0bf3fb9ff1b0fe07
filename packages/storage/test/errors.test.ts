import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasStorageCode, isStorageError, STORAGE_ERROR_CODES, StorageError } from '../src/errors.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (entry.name.endsWith('.ts')) out.push(await readFile(path, 'utf8'));
  }
  return out;
}

describe('error catalogue', () => {
  it('README, the code list and the codes used in src agree', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Errors'), readme.indexOf('## Testing'));
    const documented = [...section.matchAll(/^- `(STORAGE_[A-Z_]+)`/gm)].map((m) => m[1]);
    expect(documented).toEqual([...STORAGE_ERROR_CODES]);
    const used = new Set<string>();
    for (const text of await sources(join(root, 'src'))) {
      for (const m of text.matchAll(/'(STORAGE_[A-Z_]+)'/g)) used.add(m[1] as string);
    }
    for (const code of used) expect(STORAGE_ERROR_CODES).toContain(code);
  });

  it('errors carry code, cause and a brand that survives package copies', () => {
    const cause = new Error('disk');
    const err = new StorageError('STORAGE_IO', 'failed', { cause, location: '/x' });
    expect([err.code, err.cause, err.location, err.name]).toEqual([
      'STORAGE_IO',
      cause,
      '/x',
      'StorageError',
    ]);
    expect(isStorageError(err)).toBe(true);
    expect(hasStorageCode(err, 'STORAGE_IO')).toBe(true);
    expect(isStorageError(new Error('x'))).toBe(false);
    expect(isStorageError({ code: 'STORAGE_IO' })).toBe(false);
  });
});
