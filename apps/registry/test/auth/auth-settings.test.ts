import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readAuthSettings } from '../../src/auth/auth-settings.js';
import {
  loadOrCreateSecretFile,
  parseConfiguredSecret,
  readSecretFile,
} from '../../src/auth/token-secret.js';
import { ConfigError, type RegistryConfig } from '../../src/config/load-config.js';

const config = (properties: Record<string, string>) =>
  ({ mode: 'standalone', properties: new Map(Object.entries(properties)) }) as unknown as RegistryConfig;
const problems = (properties: Record<string, string>): string[] => {
  try {
    readAuthSettings(config(properties));
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
};
const GOOD_SECRET = Buffer.alloc(32, 9).toString('base64');

describe('auth settings', () => {
  it('defaults as Nacos: off, 18000 s tokens, no configured secret', () => {
    const s = readAuthSettings(config({}));
    expect(s).toMatchObject({
      enabled: false,
      tokenTtlSeconds: 18000,
      secret: undefined,
      caching: true,
      identity: undefined,
    });
  });

  it('reads both spellings of the keys, 2.x first', () => {
    const s = readAuthSettings(
      config({
        'nacos.core.auth.enabled': 'true',
        'nacos.core.auth.default.token.expire.seconds': '60',
        'nacos.core.auth.default.token.secret.key': GOOD_SECRET,
      }),
    );
    expect(s.tokenTtlSeconds).toBe(60);
    expect(s.secret?.from).toBe('nacos.core.auth.default.token.secret.key');
    expect(s.secret?.key.equals(Buffer.alloc(32, 9))).toBe(true);
    expect(() =>
      readAuthSettings(
        config({
          'nacos.core.auth.plugin.nacos.token.secret.key': 'short',
          'nacos.core.auth.default.token.secret.key': GOOD_SECRET,
        }),
      ),
    ).toThrow(/nacos\.core\.auth\.plugin\.nacos\.token\.secret\.key: must/);
  });

  it("refuses Nacos' published secrets, short or non-base64 keys, naming the key and never the value", () => {
    const nacos = 'SecretKey012345678901234567890123456789012345678901234567890123456789';
    const found = problems({ 'nacos.core.auth.default.token.secret.key': nacos });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^nacos\.core\.auth\.default\.token\.secret\.key: is Nacos' published default/);
    expect(found[0]).not.toContain(nacos);
    expect(
      problems({ 'nacos.core.auth.plugin.nacos.token.secret.key': Buffer.alloc(31).toString('base64') })[0],
    ).toMatch(/at least 32 bytes \(it decodes to 31\)/);
    expect(problems({ 'nacos.core.auth.plugin.nacos.token.secret.key': 'not base64!!' })[0]).toMatch(
      /must be base64/,
    );
  });

  it('lists every problem at once', () => {
    const found = problems({
      'nacos.core.auth.enabled': 'maybe',
      'nacos.core.auth.plugin.nacos.token.expire.seconds': '0',
      'nacos.core.auth.server.identity.key': 'serverIdentity',
      'nacos.core.auth.server.identity.value': 'security',
      'nacos.core.auth.system.type': 'ldap',
      'reg.auth.admin.password': 'short',
    });
    expect(found).toHaveLength(5);
  });

  it('takes the identity header only with both parts and a strong value', () => {
    expect(problems({ 'nacos.core.auth.server.identity.key': 'x-id' })[0]).toMatch(
      /identity\.value is not set/,
    );
    const s = readAuthSettings(
      config({
        'nacos.core.auth.server.identity.key': 'X-Member',
        'nacos.core.auth.server.identity.value': 'a'.repeat(16),
      }),
    );
    expect(s.identity).toEqual({ header: 'x-member', value: 'a'.repeat(16) });
  });
});

describe('the generated secret file', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('is created once with mode 0600 and read back unchanged', () => {
    dir = mkdtempSync(join(tmpdir(), 'reg-auth-secret-'));
    const file = join(dir, 'auth', 'token.secret');
    const first = loadOrCreateSecretFile(file);
    expect(first.length).toBe(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecretFile(file).equals(first)).toBe(true);
    expect(readSecretFile(file)?.equals(first)).toBe(true);
  });

  it('differs per installation', () => {
    dir = mkdtempSync(join(tmpdir(), 'reg-auth-secret-'));
    const a = loadOrCreateSecretFile(join(dir, 'a', 'token.secret'));
    const b = loadOrCreateSecretFile(join(dir, 'b', 'token.secret'));
    expect(a.equals(b)).toBe(false);
    expect(typeof parseConfiguredSecret(a.toString('base64'))).not.toBe('string');
  });
});
