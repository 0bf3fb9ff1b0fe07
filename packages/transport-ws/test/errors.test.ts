import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TRANSPORT_ERROR_CODES } from '../src/errors.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('error catalogue', () => {
  it('the union, the README and the codes thrown in src agree', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const section = readme.slice(readme.indexOf('## Errors'), readme.indexOf('## Testing'));
    const documented = new Set([...section.matchAll(/^- `(TRANSPORT_[A-Z_]+)`/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual([...TRANSPORT_ERROR_CODES].sort());

    const thrown = new Set<string>();
    for (const f of readdirSync(`${root}src`)) {
      const text = readFileSync(`${root}src/${f}`, 'utf8');
      for (const m of text.matchAll(/new TransportError\(\s*'(TRANSPORT_[A-Z_]+)'/g))
        thrown.add(m[1] as string);
    }
    for (const code of thrown) expect(TRANSPORT_ERROR_CODES).toContain(code);
    // Every code is actually produced somewhere (TRANSPORT_REMOTE_ERROR is built in channel-router).
    for (const code of TRANSPORT_ERROR_CODES) expect(thrown.has(code), code).toBe(true);
  });
});
