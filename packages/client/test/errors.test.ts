// The error catalogue stays in one piece: the README's Errors table, the ClientErrorCode union
// and the codes the sources throw name the same set.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ClientError, isClientError } from '../src/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

function unionCodes(): string[] {
  const union = /export type ClientErrorCode =([\s\S]*?)\nexport /.exec(read('src/errors.ts'))?.[1] ?? '';
  return [...union.matchAll(/'(CLIENT_[A-Z_]+)'/g)].map((m) => m[1]!).sort();
}

function readmeCodes(): string[] {
  const section = /## Errors([\s\S]*?)\n## /.exec(read('README.md'))?.[1] ?? '';
  return [...section.matchAll(/^\|\s*`(CLIENT_[A-Z_]+)`\s*\|/gm)].map((m) => m[1]!).sort();
}

function thrownCodes(): string[] {
  const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('errors.ts'),
  );
  const codes = new Set<string>();
  for (const file of files) {
    for (const m of read(join('src', file)).matchAll(/new ClientError\(\s*'(CLIENT_[A-Z_]+)'/g))
      codes.add(m[1]!);
  }
  // throwIfAborted lives in errors.ts.
  if (/new ClientError\('CLIENT_ABORTED'/.test(read('src/errors.ts'))) codes.add('CLIENT_ABORTED');
  return [...codes].sort();
}

describe('error catalogue', () => {
  it('README, union and thrown codes agree', () => {
    const union = unionCodes();
    expect(union.length).toBeGreaterThan(5);
    expect(readmeCodes()).toEqual(union);
    expect(thrownCodes()).toEqual(union);
  });

  it('isClientError recognises client errors by shape, not by class identity', () => {
    expect(isClientError(new ClientError('CLIENT_CLOSED', 'x'))).toBe(true);
    const lookalike = Object.assign(new Error('x'), { name: 'ClientError', code: 'CLIENT_CLOSED' });
    expect(isClientError(lookalike)).toBe(true);
    expect(isClientError(Object.assign(new Error('x'), { code: 'CLIENT_CLOSED' }))).toBe(false);
    expect(isClientError('CLIENT_CLOSED')).toBe(false);
  });
});
