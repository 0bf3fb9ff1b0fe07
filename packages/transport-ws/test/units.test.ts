import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/backoff.js';
import { FaultInjector } from '../src/faults.js';
import {
  computeMac,
  decodeGreeting,
  decodeMac,
  encodeGreeting,
  encodeMac,
  HandshakeType,
  macEquals,
} from '../src/handshake.js';

describe('backoff', () => {
  const o = { initialMs: 100, maxMs: 5000 };
  it('doubles its cap per attempt up to maxMs, with jitter in [cap/2, cap]', () => {
    expect(backoffDelay(0, o, () => 0)).toBe(50);
    expect(backoffDelay(0, o, () => 0.999999)).toBeCloseTo(100, 3);
    expect(backoffDelay(3, o, () => 0)).toBe(400);
    expect(backoffDelay(10, o, () => 0.5)).toBe(3750);
    expect(backoffDelay(1000, o, () => 1)).toBe(5000);
  });
});

describe('handshake messages', () => {
  const nonce = Buffer.alloc(32, 1);
  it('round-trips greetings and refuses malformed ones', () => {
    const hello = encodeGreeting(HandshakeType.Hello, '10.0.0.1:8848', nonce);
    expect(decodeGreeting(HandshakeType.Hello, hello)).toEqual({ id: '10.0.0.1:8848', nonce });
    expect(decodeGreeting(HandshakeType.Challenge, hello)).toBeUndefined();
    expect(decodeGreeting(HandshakeType.Hello, hello.subarray(0, hello.length - 1))).toBeUndefined();
    expect(decodeGreeting(HandshakeType.Hello, Buffer.concat([hello, Buffer.from([0])]))).toBeUndefined();
    const badUtf8 = Buffer.from(hello);
    badUtf8[4] = 0xff;
    expect(decodeGreeting(HandshakeType.Hello, badUtf8)).toBeUndefined();
    const v2 = Buffer.from(hello);
    v2[1] = 2;
    expect(decodeGreeting(HandshakeType.Hello, v2)).toBeUndefined();
    expect(decodeMac(HandshakeType.Proof, encodeMac(HandshakeType.Proof, Buffer.alloc(32, 3)))).toEqual(
      Buffer.alloc(32, 3),
    );
    expect(decodeMac(HandshakeType.Proof, Buffer.alloc(34, 3))).toBeUndefined();
  });

  it('binds the MAC to secret, direction, both ids and both nonces', () => {
    const k = Buffer.from('s'.repeat(16));
    const n2 = Buffer.alloc(32, 2);
    const base = computeMac(k, 'client', 'a', 'b', nonce, n2);
    const variants = [
      computeMac(Buffer.from('t'.repeat(16)), 'client', 'a', 'b', nonce, n2),
      computeMac(k, 'server', 'a', 'b', nonce, n2),
      computeMac(k, 'client', 'b', 'a', nonce, n2),
      computeMac(k, 'client', 'a', 'b', n2, nonce),
      // Length-prefixed ids: "ab"+"" must not collide with "a"+"b".
      computeMac(k, 'client', 'ab', '', nonce, n2),
    ];
    for (const v of variants) expect(macEquals(base, v)).toBe(false);
    expect(macEquals(base, computeMac(k, 'client', 'a', 'b', nonce, n2))).toBe(true);
    expect(macEquals(base, base.subarray(0, 16))).toBe(false);
  });
});

describe('FaultInjector', () => {
  it('replays the same decisions from the same seed', () => {
    const run = (seed: number) => {
      const f = new FaultInjector({ seed }).setLink('a', '*', { dropRate: 0.3, duplicateRate: 0.3 });
      return [...Array(100)].map(() => {
        const d = f.decide('a', 'b');
        return d.drop ? 'd' : d.duplicate ? '2' : '.';
      });
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('validates rates and applies wildcards and heal', () => {
    const f = new FaultInjector({ seed: 1 });
    expect(() => f.setLink('a', 'b', { dropRate: 2 })).toThrow(RangeError);
    f.isolate('c');
    expect(f.decide('c', 'a').drop).toBe(true);
    expect(f.decide('a', 'c').drop).toBe(true);
    expect(f.decide('a', 'b').drop).toBe(false);
    f.heal();
    expect(f.decide('c', 'a')).toEqual({ drop: false, duplicate: false, delayMs: 0 });
  });
});
