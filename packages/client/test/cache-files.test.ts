import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { safeSegment, writeFileAtomic } from '../src/cache-files.js';

const dir = mkdtempSync(join(tmpdir(), 'reg-client-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cache files', () => {
  it('turns any name into one harmless path segment', () => {
    expect(safeSegment('DEFAULT_GROUP@@svc@@a,b')).toBe('DEFAULT_GROUP%40%40svc%40%40a%2Cb');
    expect(safeSegment('..')).toBe('%2E%2E');
    expect(safeSegment('.')).toBe('%2E');
    expect(safeSegment('a/../../etc')).not.toContain('/');
    expect(safeSegment('a\\b')).not.toContain('\\');
  });

  it('writes through a temporary file, leaving only the target behind', async () => {
    const file = join(dir, 'sub', 'x.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['x.json']);
  });
});
