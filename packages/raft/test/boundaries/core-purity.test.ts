// The core is pure: it imports only its own files (and the package's error catalogue) and touches
// no clock, randomness, timers or process state. Time enters through tick(), randomness through
// the injected Random.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const coreDir = join(root, 'src/core');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const FORBIDDEN: [RegExp, string][] = [
  [/\bDate\.now\b|\bnew Date\b/, 'clock'],
  [/\bMath\.random\b/, 'unseeded randomness'],
  [/\bsetTimeout\b|\bsetInterval\b|\bsetImmediate\b|\bqueueMicrotask\b/, 'timers'],
  [/\bprocess\./, 'process state'],
  [/\bperformance\./, 'clock'],
  [/\brequire\(/, 'CommonJS require'],
  [/\bcrypto\./, 'platform randomness'],
];

describe('core purity', () => {
  const sources = files(coreDir);

  it('finds the core sources', () => {
    expect(sources.length).toBeGreaterThan(10);
  });

  for (const file of sources) {
    const rel = relative(root, file);
    it(`${rel} imports only the package's own files and uses no clock, timers or randomness`, () => {
      const text = readFileSync(file, 'utf8');
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      for (const m of code.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        expect(spec.startsWith('.'), `${rel} imports ${spec}`).toBe(true);
        const target = resolve(dirname(file), spec);
        const allowed = target.startsWith(coreDir) || target === join(root, 'src/errors.js');
        expect(allowed, `${rel} imports ${spec} outside src/core`).toBe(true);
      }
      expect(/import\s*\(/.test(code), `${rel} uses dynamic import`).toBe(false);
      for (const [re, what] of FORBIDDEN) expect(re.test(code), `${rel} uses ${what}`).toBe(false);
    });
  }

  it('the package has no runtime dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: object };
    expect(Object.keys(pkg.dependencies ?? {})).toEqual([]);
  });
});
