import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STORAGE_ERROR_CODES } from '@reg/storage';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const errorsSection = readme.slice(
  readme.indexOf('## Errors'),
  readme.indexOf('\n## ', readme.indexOf('## Errors') + 1),
);

/** Codes written as string literals in src/ (what the adapter can throw itself). */
function codesInSource(): Set<string> {
  const found = new Set<string>();
  for (const file of readdirSync(join(root, 'src'))) {
    if (!file.endsWith('.ts')) continue;
    for (const m of readFileSync(join(root, 'src', file), 'utf8').matchAll(/'(STORAGE_[A-Z_]+)'/g))
      found.add(m[1] as string);
  }
  return found;
}

describe('error catalogue drift', () => {
  it('the README Errors section has one entry per code of the union, in catalogue order', () => {
    const entries = [...errorsSection.matchAll(/^- `(STORAGE_[A-Z_]+)`/gm)].map((m) => m[1]);
    expect(entries).toEqual([...STORAGE_ERROR_CODES]);
  });

  it('every code the source throws is in the union and documented', () => {
    const union = new Set<string>(STORAGE_ERROR_CODES);
    for (const code of codesInSource()) {
      expect(union.has(code), `${code} is not a StorageErrorCode`).toBe(true);
      expect(errorsSection.includes(`\`${code}\``), `${code} is missing from the README`).toBe(true);
    }
  });
});
