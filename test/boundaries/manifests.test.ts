import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspaces } from './workspaces.js';

const all = workspaces();

describe('workspace manifests', () => {
  it.each(all.map((w) => [w.manifest.name, w] as const))(
    '%s is ESM for Node >= 20 with a README',
    (_name, w) => {
      expect(w.manifest.type).toBe('module');
      expect(w.manifest.engines?.node).toBe('>=20');
      expect(existsSync(join(w.dir, 'README.md'))).toBe(true);
    },
  );

  const libraries = all.filter((w) => w.kind === 'package');
  it.each(libraries.map((w) => [w.manifest.name, w] as const))(
    '%s publishes only dist, declares its entry points with types, and has no side effects',
    (_name, w) => {
      expect(w.manifest.name).toMatch(/^@reg\/[a-z][a-z0-9-]*$/);
      expect(w.manifest.files).toEqual(['dist']);
      expect(w.manifest.sideEffects).toBe(false);
      const exports = Object.entries(w.manifest.exports ?? {});
      expect(exports.length).toBeGreaterThan(0);
      for (const [entry, target] of exports) {
        expect(target.types, `${entry} types`).toMatch(/^\.\/dist\/.*\.d\.ts$/);
        expect(target.default, `${entry} default`).toMatch(/^\.\/dist\/.*\.js$/);
      }
    },
  );
});
