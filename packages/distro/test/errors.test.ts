import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DistroError, isDistroError } from '../src/errors.js';

const root = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sourceFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

describe('error catalogue', () => {
  const union = [...readFileSync(join(root, 'src/errors.ts'), 'utf8').matchAll(/\| '(DISTRO_[A-Z_]+)'/g)].map(
    (m) => m[1],
  );
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const errorsSection = readme.slice(readme.indexOf('## Errors'), readme.indexOf('## Testing'));
  const documented = [...errorsSection.matchAll(/^- `(DISTRO_[A-Z_]+)`/gm)].map((m) => m[1]);
  const thrown = new Set(
    sourceFiles(join(root, 'src'))
      .filter((f) => !f.endsWith('errors.ts'))
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'(DISTRO_[A-Z_]+)'/g)].map((m) => m[1])),
  );

  it('the README documents exactly the codes of the union', () => {
    expect([...documented].sort()).toEqual([...union].sort());
  });

  it('every code of the union is thrown somewhere, and nothing else is', () => {
    expect([...thrown].sort()).toEqual([...union].sort());
  });

  it('errors carry code and cause and are recognised by shape', () => {
    const cause = new Error('socket closed');
    const err = new DistroError('DISTRO_PEER_UNAVAILABLE', 'peer down', { cause });
    expect(err.code).toBe('DISTRO_PEER_UNAVAILABLE');
    expect(err.cause).toBe(cause);
    expect(isDistroError(err)).toBe(true);
    expect(isDistroError(new Error('x'))).toBe(false);
  });
});
