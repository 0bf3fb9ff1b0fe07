import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STORAGE_ERROR_CODES } from '@reg/storage';
import { describe, expect, it } from 'vitest';
import { LEVEL_ERROR_CODES } from '../src/errors.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('error catalogue', () => {
  it('README lists exactly LEVEL_ERROR_CODES, and src throws no other code', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Errors'), readme.indexOf('## Testing'));
    expect([...section.matchAll(/^- `([A-Z_]+)`/gm)].map((m) => m[1])).toEqual([...LEVEL_ERROR_CODES]);
    const used = new Set<string>();
    for (const f of await readdir(join(root, 'src'))) {
      const text = await readFile(join(root, 'src', f), 'utf8');
      for (const m of text.matchAll(/'((?:STORAGE|RAFT)_[A-Z_]+)'/g)) used.add(m[1] as string);
    }
    // The shared stores (from @reg/storage) throw its codes; this package must list those it can surface.
    for (const code of used) expect(LEVEL_ERROR_CODES as readonly string[]).toContain(code);
    for (const code of STORAGE_ERROR_CODES) {
      if (code !== 'STORAGE_UNAVAILABLE') expect(LEVEL_ERROR_CODES as readonly string[]).toContain(code);
    }
  });
});
