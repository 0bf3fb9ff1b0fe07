import { describe, expect, it } from 'vitest';
import { permits } from '../../src/auth/authorizer.js';
import { grantCovers, wildcardMatch } from '../../src/auth/permission-matcher.js';
import { dataResource, namedResource } from '../../src/auth/resource.js';
import type { Principal } from '../../src/auth/user-directory.js';

const cfg = (ns: string, group: string, dataId: string) => dataResource(ns, group, `config/${dataId}`);

/** Nacos' own rule, `*` -> `.*` on an escaped pattern: the reference for literal-only patterns. */
function naiveMatch(pattern: string, text: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(text);
}

describe('wildcard matching', () => {
  it('agrees with an escaped regex on random patterns (SEED replays)', () => {
    const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
    let state = seed;
    const next = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    const word = (alphabet: string, max: number) =>
      Array.from({ length: next(max) }, () => alphabet[next(alphabet.length)]).join('');
    for (let i = 0; i < 3000; i++) {
      const pattern = word('ab*.:', 7);
      const text = word('ab.:*', 9);
      const expected = naiveMatch(pattern, text);
      if (wildcardMatch(pattern, text) !== expected) {
        throw new Error(
          `SEED=${seed}: ${JSON.stringify(pattern)} vs ${JSON.stringify(text)} should be ${expected}`,
        );
      }
    }
  });

  it('treats regex characters literally and stays fast on hostile patterns', () => {
    expect(wildcardMatch('app.yaml', 'appXyaml')).toBe(false);
    expect(wildcardMatch('a(b', 'a(b')).toBe(true);
    const started = performance.now();
    expect(wildcardMatch(`${'*a'.repeat(100)}b`, 'a'.repeat(255))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('grants', () => {
  it("covers as Nacos' console writes them: namespace-wide, group, name prefix, actions", () => {
    expect(grantCovers({ resource: 'ns1:*:*', action: 'rw' }, cfg('ns1', 'G', 'a'), 'w')).toBe(true);
    expect(grantCovers({ resource: 'ns1:*:*', action: 'r' }, cfg('ns1', 'G', 'a'), 'w')).toBe(false);
    expect(grantCovers({ resource: ':*:*', action: 'r' }, cfg('', 'G', 'a'), 'r')).toBe(true);
    expect(grantCovers({ resource: ':*:*', action: 'r' }, cfg('ns1', 'G', 'a'), 'r')).toBe(false);
    expect(grantCovers({ resource: ':G:config/app*', action: 'r' }, cfg('', 'G', 'app.yaml'), 'r')).toBe(
      true,
    );
    expect(grantCovers({ resource: ':G:config/app*', action: 'r' }, cfg('', 'G', 'other'), 'r')).toBe(false);
    expect(grantCovers({ resource: ':G:naming/*', action: 'r' }, cfg('', 'G', 'x'), 'r')).toBe(false);
    expect(grantCovers({ resource: '*', action: 'r' }, cfg('x', 'y', 'z'), 'r')).toBe(true);
  });

  it('lets no colon in a requested name move a value into another segment', () => {
    // Nacos' regex `ns1:.*:.*` matches `ns1:evil:G:config/x`, i.e. namespace "ns1:evil".
    expect(grantCovers({ resource: 'ns1:*:*', action: 'rw' }, cfg('ns1:evil', 'G', 'x'), 'r')).toBe(false);
    expect(grantCovers({ resource: ':G:config/*', action: 'rw' }, cfg('', 'G:config', 'x'), 'r')).toBe(false);
  });

  it('needs a wildcard to cover a list (a `*` coordinate)', () => {
    expect(grantCovers({ resource: ':G:*', action: 'r' }, cfg('', '*', '*'), 'r')).toBe(false);
    expect(grantCovers({ resource: ':*:*', action: 'r' }, cfg('', '*', '*'), 'r')).toBe(true);
    expect(grantCovers({ resource: '*:*:*', action: 'r' }, cfg('*', '*', '*'), 'r')).toBe(true);
    expect(grantCovers({ resource: 'ns1:*:*', action: 'r' }, cfg('*', '*', '*'), 'r')).toBe(false);
  });
});

describe('decisions', () => {
  const user = (permissions: Principal['permissions'], globalAdmin = false): Principal => ({
    username: 'u',
    passwordHash: '',
    roles: ['R'],
    globalAdmin,
    permissions,
  });

  it('gives a global admin everything and nobody else the console', () => {
    expect(permits(user([], true), [namedResource('console/users')], 'w')).toBe(true);
    expect(permits(user([{ resource: '*', action: 'rw' }]), [namedResource('console/users')], 'r')).toBe(
      false,
    );
    expect(
      permits(user([{ resource: 'naming/switches', action: 'w' }]), [namedResource('naming/switches')], 'w'),
    ).toBe(true);
  });

  it('needs every resource of a request covered, and at least one resource', () => {
    const u = user([{ resource: ':G:config/a', action: 'r' }]);
    expect(permits(u, [cfg('', 'G', 'a')], 'r')).toBe(true);
    expect(permits(u, [cfg('', 'G', 'a'), cfg('', 'G', 'b')], 'r')).toBe(false);
    expect(permits(u, [], 'r')).toBe(false);
  });
});
