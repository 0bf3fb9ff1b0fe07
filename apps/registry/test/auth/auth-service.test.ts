import { MemoryStorage } from '@reg/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthService } from '../../src/auth/auth-service.js';
import { applyAuthCommand, usableAdminExists } from '../../src/auth/auth-state-machine.js';
import { directWriter } from '../../src/auth/auth-writer.js';
import { AccessDenied, Authenticator } from '../../src/auth/authenticator.js';
import { LoginThrottle } from '../../src/auth/login-throttle.js';
import { hashPassword, PasswordChecker } from '../../src/auth/password-hasher.js';
import { TokenService } from '../../src/auth/token-service.js';
import { UserDirectory } from '../../src/auth/user-directory.js';
import { RegistryError } from '../../src/errors.js';

const KEY = Buffer.alloc(32, 3);

function build(storage: MemoryStorage, now: () => number = Date.now) {
  const users = new UserDirectory(storage, { ttlMs: 60_000, now });
  const tokens = new TokenService({ ttlSeconds: 60, key: KEY, now });
  const writer = directWriter(storage, () => users.invalidate());
  const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 10_000, now });
  const authenticator = new Authenticator({
    tokens,
    users,
    passwords: new PasswordChecker({ now }),
    throttle,
    identity: undefined,
  });
  const service = new AuthService({
    storage,
    writer,
    tokens,
    authenticator,
    readBarrier: async () => undefined,
  });
  return { service, authenticator, tokens, writer };
}

const reason = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof AccessDenied || err instanceof RegistryError) return err.message;
    throw err;
  }
  return 'allowed';
};

describe('auth service over a store', () => {
  let storage: MemoryStorage;
  beforeEach(async () => {
    storage = new MemoryStorage();
    await storage.open();
  });
  afterEach(async () => {
    await storage.close();
  });

  it('creates the first admin once; a second attempt is refused', async () => {
    const { service } = build(storage);
    const first = await service.initAdmin('first-password');
    expect(first).toEqual({ username: 'nacos', password: 'first-password' });
    expect(await service.initAdmin('second-password')).toBeUndefined();
    expect(await reason(service.login('nacos', 'second-password', '1.1.1.1'))).toBe('unknown user!');
    const answer = await service.login('nacos', 'first-password', '1.1.1.1');
    expect(answer).toMatchObject({ tokenTtl: 60, globalAdmin: true, username: 'nacos' });
  });

  it("treats Nacos' seeded nacos/nacos admin as no admin, and never accepts that password", async () => {
    await storage.users.create({ username: 'nacos', password: await hashPassword('nacos') });
    await storage.roles.add({ role: 'ROLE_ADMIN', username: 'nacos' });
    expect(await usableAdminExists(storage)).toBe(false);
    const { service } = build(storage);
    expect(await reason(service.login('nacos', 'nacos', '1.1.1.1'))).toBe('unknown user!');
    expect(await service.initAdmin('a-real-password')).toBeDefined();
    expect(await usableAdminExists(storage)).toBe(true);
  });

  it("answers with Nacos' refusal texts", async () => {
    const { service } = build(storage);
    await service.initAdmin('admin-password');
    await service.createUser('alice', 'alice-password');
    expect(await reason(service.createUser('alice', 'x'))).toBe("user 'alice' already exist!");
    expect(await reason(service.deleteUser('nacos'))).toBe('cannot delete admin: nacos');
    expect(await reason(service.addRole('ROLE_ADMIN', 'alice'))).toBe(
      "role 'ROLE_ADMIN' is not permitted to create!",
    );
    expect(await reason(service.addRole('dev', 'ghost'))).toBe("user 'ghost' not found!");
    expect(await reason(service.addPermission('nope', ':*:*', 'r'))).toBe('role nope not found!');
    expect(await reason(service.addPermission('dev', ':*:*', 'x'))).toMatch(/action must be one of/);
    expect(await reason(service.deleteRole('ROLE_ADMIN', 'nacos'))).toMatch(/cannot be removed/);
    expect(await reason(service.setPassword('ghost', 'pw'))).toBe('user ghost not exist!');
    expect(await reason(service.createUser(' padded', 'pw'))).toMatch(/surrounding spaces/);
    expect(await reason(service.createUser('a\u0000b', 'pw'))).toMatch(/control characters/);
    expect(await reason(service.createUser('long', 'x'.repeat(73)))).toMatch(/at most 72 bytes/);
  });

  it("stops a deleted user's token and password at once", async () => {
    const { service, authenticator } = build(storage);
    await service.createUser('bob', 'bob-password');
    const { accessToken } = await service.login('bob', 'bob-password', '2.2.2.2');
    expect((await authenticator.fromToken(accessToken)).username).toBe('bob');
    await service.deleteUser('bob');
    expect(await reason(authenticator.fromToken(accessToken))).toBe('user not found!');
    expect(await reason(service.login('bob', 'bob-password', '2.2.2.2'))).toBe('unknown user!');
    // Re-created with another password: the old password's remembered success does not apply.
    await service.createUser('bob', 'new-password');
    expect(await reason(service.login('bob', 'bob-password', '2.2.2.2'))).toBe('unknown user!');
  });

  it('refuses expired tokens', async () => {
    let now = 1_000_000_000_000;
    const { service, authenticator } = build(storage, () => now);
    await service.createUser('carol', 'carol-password');
    const { accessToken } = await service.login('carol', 'carol-password', '3.3.3.3');
    now += 59_000;
    expect((await authenticator.fromToken(accessToken)).username).toBe('carol');
    now += 1_000;
    expect(await reason(authenticator.fromToken(accessToken))).toBe('token expired!');
  });

  it('throttles password guessing per address and user', async () => {
    let now = 1_000_000_000_000;
    const { service } = build(storage, () => now);
    await service.createUser('dave', 'dave-password');
    for (let i = 0; i < 3; i++)
      expect(await reason(service.login('dave', 'wrong', '4.4.4.4'))).toBe('unknown user!');
    expect(await reason(service.login('dave', 'dave-password', '4.4.4.4'))).toMatch(/too many failed logins/);
    expect(await reason(service.login('dave', 'dave-password', '5.5.5.5'))).toBe('allowed');
    now += 10_001;
    expect(await reason(service.login('dave', 'dave-password', '4.4.4.4'))).toBe('allowed');
  });

  it('applies a replayed command without changing anything (idempotent log tail)', async () => {
    const hash = await hashPassword('pw-pw-pw');
    const command = { op: 'createUser', username: 'erin', hash } as const;
    expect(await applyAuthCommand(storage, command)).toEqual({ ok: true });
    expect(await applyAuthCommand(storage, command)).toEqual({ ok: false, refusal: 'user-exists' });
    const secret = Buffer.alloc(32, 1).toString('base64');
    const other = Buffer.alloc(32, 2).toString('base64');
    expect(await applyAuthCommand(storage, { op: 'initSecret', secret })).toEqual({ ok: true, secret });
    expect(await applyAuthCommand(storage, { op: 'initSecret', secret: other })).toEqual({
      ok: true,
      secret,
    });
    expect((await storage.users.list({ pageNo: 1, pageSize: 10 })).totalCount).toBe(1);
  });
});
