// The error catalogue, the README's "Errors" section and the codes the sources throw agree
// (fastify's drift test).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isRaftError, RAFT_ERROR_CODES, RaftError } from '../src/errors.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('error catalogue', () => {
  it('the README documents exactly the codes of the union, in order', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Errors'), readme.indexOf('## Testing'));
    const documented = [...section.matchAll(/^- `(RAFT_[A-Z_]+)`/gm)].map((m) => m[1]);
    expect(documented).toEqual([...RAFT_ERROR_CODES]);
  });

  it('every code the sources use is in the catalogue', () => {
    const used = new Set<string>();
    for (const f of sources(join(root, 'src'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/'(RAFT_[A-Z_]+)'/g)) used.add(m[1]!);
    }
    for (const code of used) expect(RAFT_ERROR_CODES).toContain(code);
  });

  it('errors carry code, leader and cause; isRaftError matches on code', () => {
    const cause = new Error('disk');
    const e = new RaftError('RAFT_NOT_LEADER', 'not leader', { leader: 3, cause });
    expect(e).toMatchObject({ name: 'RaftError', code: 'RAFT_NOT_LEADER', leader: 3, cause });
    expect(isRaftError(e, 'RAFT_NOT_LEADER')).toBe(true);
    expect(isRaftError(e, 'RAFT_STOPPED')).toBe(false);
    expect(isRaftError({ code: 'RAFT_STOPPED' })).toBe(true);
    expect(isRaftError(new Error('x'))).toBe(false);
  });
});
