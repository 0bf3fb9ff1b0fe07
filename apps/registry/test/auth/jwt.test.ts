import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from '../../src/auth/jwt.js';

const KEY = Buffer.alloc(32, 7);
const NOW = 1_700_000_000_000;
const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const hs256 = (input: string, key: Buffer) => createHmac('sha256', key).update(input).digest('base64url');

/** A token made by hand, as jjwt / any HS256 library would make it. */
function handMade(header: unknown, payload: unknown, key: Buffer): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${hs256(input, key)}`;
}

describe('HS256 tokens', () => {
  it('round-trips sub and exp, and reads tokens of another HS256 implementation', () => {
    const token = signToken({ sub: 'alice', exp: NOW / 1000 + 60 }, KEY);
    expect(verifyToken(token, KEY, NOW)).toEqual({
      ok: true,
      claims: { sub: 'alice', exp: NOW / 1000 + 60 },
    });
    const foreign = handMade({ alg: 'HS256', typ: 'JWT' }, { sub: 'bob', exp: NOW / 1000 + 5 }, KEY);
    expect(verifyToken(foreign, KEY, NOW)).toMatchObject({ ok: true, claims: { sub: 'bob' } });
  });

  it('calls a genuine token past its exp expired, at the exact second', () => {
    const token = signToken({ sub: 'alice', exp: NOW / 1000 }, KEY);
    expect(verifyToken(token, KEY, NOW - 1)).toMatchObject({ ok: true });
    expect(verifyToken(token, KEY, NOW)).toEqual({ ok: false, reason: 'expired' });
  });

  it("refuses tokens signed with another key, including Nacos' published default", () => {
    const nacosDefault = Buffer.from(
      'SecretKey012345678901234567890123456789012345678901234567890123456789',
      'base64',
    );
    const forged = handMade({ alg: 'HS256' }, { sub: 'nacos', exp: NOW / 1000 + 3600 }, nacosDefault);
    expect(verifyToken(forged, KEY, NOW)).toEqual({ ok: false, reason: 'invalid' });
    const emptyKey = handMade({ alg: 'HS256' }, { sub: 'nacos', exp: NOW / 1000 + 3600 }, Buffer.alloc(0));
    expect(verifyToken(emptyKey, KEY, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses alg none, other algorithms, extra header fields and changed payloads', () => {
    const payload = { sub: 'nacos', exp: NOW / 1000 + 3600 };
    expect(verifyToken(`${b64({ alg: 'none' })}.${b64(payload)}.`, KEY, NOW).ok).toBe(false);
    expect(verifyToken(handMade({ alg: 'HS512' }, payload, KEY), KEY, NOW).ok).toBe(false);
    expect(verifyToken(handMade({ alg: 'HS256', kid: '../x' }, payload, KEY), KEY, NOW).ok).toBe(false);
    const genuine = signToken({ sub: 'alice', exp: NOW / 1000 + 60 }, KEY);
    const [h, , s] = genuine.split('.');
    expect(verifyToken(`${h}.${b64(payload)}.${s}`, KEY, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses an expired token with a forged signature as invalid, not expired', () => {
    const forged = handMade({ alg: 'HS256' }, { sub: 'nacos', exp: 1 }, Buffer.alloc(32, 1));
    expect(verifyToken(forged, KEY, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses malformed input without throwing', () => {
    const cases = ['', 'a', 'a.b', 'a.b.c.d', '!!.??.**', `${b64('[1]')}.${b64('{}')}.x`, 'x'.repeat(5000)];
    for (const token of cases) expect(verifyToken(token, KEY, NOW)).toEqual({ ok: false, reason: 'invalid' });
    const noSub = handMade({ alg: 'HS256' }, { exp: NOW / 1000 + 60 }, KEY);
    const stringExp = handMade({ alg: 'HS256' }, { sub: 'a', exp: '9999999999' }, KEY);
    expect(verifyToken(noSub, KEY, NOW).ok).toBe(false);
    expect(verifyToken(stringExp, KEY, NOW).ok).toBe(false);
  });

  it('accepts exactly one spelling of a signature', () => {
    const token = signToken({ sub: 'alice', exp: NOW / 1000 + 60 }, KEY);
    // A 32-byte MAC is 43 base64url characters; the last carries 2 unused bits.
    const last = token.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1] as string;
    expect(verifyToken(token.slice(0, -1) + twin, KEY, NOW).ok).toBe(false);
  });
});
