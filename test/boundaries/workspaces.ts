import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Workspace {
  readonly dir: string;
  readonly kind: 'package' | 'app' | 'test';
  readonly manifest: {
    name: string;
    private?: boolean;
    type?: string;
    engines?: { node?: string };
    files?: string[];
    sideEffects?: boolean;
    exports?: Record<string, { types?: string; default?: string }>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
}

/** Every npm workspace of the repository, read from disk. */
export function workspaces(): Workspace[] {
  const found: Workspace[] = [];
  for (const [folder, kind] of [
    ['packages', 'package'],
    ['apps', 'app'],
  ] as const) {
    const base = join(ROOT, folder);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const dir = join(base, name);
      if (existsSync(join(dir, 'package.json')))
        found.push({ dir, kind, manifest: readJson(join(dir, 'package.json')) });
    }
  }
  found.push({
    dir: join(ROOT, 'test'),
    kind: 'test',
    manifest: readJson(join(ROOT, 'test', 'package.json')),
  });
  return found;
}

/** Every `.ts` file below `dir`, recursively. */
export function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

export function rel(path: string): string {
  return relative(ROOT, path);
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
