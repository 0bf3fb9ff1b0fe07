import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_REPLIES } from '../../src/http/error-replies.js';

describe('error catalogue', () => {
  it('documents every code in the README with its status, and nothing else', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Errors'));
    const documented = [...section.matchAll(/^\| `(REG_[A-Z_]+)`\s*\| (\d{3})\s*\|/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    const actual = Object.entries(ERROR_REPLIES).map(([code, reply]) => [code, reply.status]);
    expect(documented.sort()).toEqual(actual.sort());
  });
});
