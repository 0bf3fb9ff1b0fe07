import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { isMembershipError, MEMBERSHIP_ERROR_CODES, MembershipError } from '../src/errors.js';

const root = new URL('../', import.meta.url);

describe('error catalogue', () => {
  it('README "Errors" lists exactly the codes of the union, in order', async () => {
    const readme = await readFile(new URL('README.md', root), 'utf8');
    const section = readme.slice(readme.indexOf('## Errors'), readme.indexOf('## Testing'));
    const documented = [...section.matchAll(/^- `(MEMBERSHIP_[A-Z_]+)`/gm)].map((m) => m[1]);
    expect(documented).toEqual([...MEMBERSHIP_ERROR_CODES]);
  });

  it('every code thrown in src is in the catalogue, and every catalogued code is thrown', async () => {
    const dir = new URL('src/', root);
    const thrown = new Set<string>();
    for (const file of await readdir(dir)) {
      if (file === 'errors.ts') continue;
      const text = await readFile(new URL(file, dir), 'utf8');
      for (const m of text.matchAll(/MembershipError\(\s*'([A-Z_]+)'/g)) thrown.add(m[1]!);
    }
    expect([...thrown].sort()).toEqual([...MEMBERSHIP_ERROR_CODES].sort());
  });

  it('brands errors so isMembershipError works across copies, and keeps the cause', () => {
    const cause = new Error('EACCES');
    const err = new MembershipError('MEMBERSHIP_FILE_UNREADABLE', 'x', { cause });
    expect(isMembershipError(err)).toBe(true);
    expect(err.cause).toBe(cause);
    expect(err.issues).toEqual([]);
    expect(isMembershipError(new Error('x'))).toBe(false);
    expect(isMembershipError({ code: 'MEMBERSHIP_CLOSED' })).toBe(false);
  });
});
