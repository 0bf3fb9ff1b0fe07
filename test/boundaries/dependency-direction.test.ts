import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rel, tsFiles, workspaces } from './workspaces.js';

const all = workspaces();
const appNames = new Set(all.filter((w) => w.kind === 'app').map((w) => w.manifest.name));

function depsOf(w: (typeof all)[number]): Record<string, string> {
  return { ...w.manifest.dependencies, ...w.manifest.devDependencies, ...w.manifest.peerDependencies };
}

describe('dependency direction', () => {
  it('finds the workspaces', () => {
    expect(all.some((w) => w.manifest.name === '@reg/registry')).toBe(true);
  });

  // The registry serves the console's built files; the dependency only orders the builds, and no
  // code is imported from it (checked below).
  const ASSET_EDGES = new Set(['@reg/registry -> @reg/console']);

  it('nothing depends on an app (except the registry on the console it serves)', () => {
    const edges = all.flatMap((w) =>
      Object.keys(depsOf(w))
        .filter((d) => appNames.has(d) && w.kind !== 'test')
        .map((d) => `${w.manifest.name} -> ${d}`)
        .filter((edge) => !ASSET_EDGES.has(edge)),
    );
    expect(edges).toEqual([]);
  });

  it('the registry imports no code from the console, only reads its built files', () => {
    const registry = all.find((w) => w.manifest.name === '@reg/registry');
    const offenders = tsFiles(join(registry?.dir ?? '/nonexistent', 'src')).filter((f) =>
      /(?:from|import)\s*\(?\s*['"]@reg\/console/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders.map(rel)).toEqual([]);
  });

  it('no source file outside test/ imports from apps/', () => {
    const offenders = all
      .filter((w) => w.kind === 'package')
      .flatMap((w) => tsFiles(join(w.dir, 'src')))
      .filter((file) => /from\s+['"][^'"]*\/apps\//.test(readFileSync(file, 'utf8')))
      .map(rel);
    expect(offenders).toEqual([]);
  });

  it('siblings are depended on with "*", as npm workspaces require', () => {
    const wrong = all.flatMap((w) =>
      Object.entries(depsOf(w))
        .filter(([name, range]) => name.startsWith('@reg/') && range !== '*')
        .map(([name, range]) => `${w.manifest.name} -> ${name}@${range}`),
    );
    expect(wrong).toEqual([]);
  });

  it('the Raft core imports only its own files and uses no clock, timer or global randomness', () => {
    const src = join(all.find((w) => w.manifest.name === '@reg/raft')?.dir ?? '/nonexistent', 'src');
    const core = join(src, 'core');
    // The package's error class is shared by core and driver; it is held to the core's rules.
    const sharedPure = [join(src, 'errors.ts')];
    const problems: string[] = [];
    for (const file of [...tsFiles(core), ...sharedPure]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?<![\w'"])(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1] ?? '';
        if (!spec.startsWith('./') && !spec.startsWith('../')) problems.push(`${rel(file)} imports ${spec}`);
        const target = join(file, '..', spec).replace(/\.js$/, '.ts');
        if (spec.startsWith('.') && !target.startsWith(core) && !sharedPure.includes(target)) {
          problems.push(`${rel(file)} imports ${spec} from outside src/core`);
        }
      }
      for (const banned of [
        'Date.now',
        'new Date(',
        'Math.random',
        'setTimeout',
        'setInterval',
        'process.',
        'performance.now',
      ]) {
        if (text.includes(banned)) problems.push(`${rel(file)} uses ${banned}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
