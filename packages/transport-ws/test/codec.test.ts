import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { checkPlainMsgpack, decodeFrame, encodeFrame, FrameKind } from '../src/codec.js';

const frame = (payload: unknown) => encodeFrame(FrameKind.Message, 'raft', 0, payload, 1 << 20);

// [1, 'raft', 0, <payload bytes>] around raw payload bytes.
function wrap(payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([0x94, 0x01, 0xa4, 0x72, 0x61, 0x66, 0x74, 0x00]), payload]);
}

function refused(bytes: Uint8Array): string {
  const r = decodeFrame(bytes);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.frame)}`);
  return r.reason;
}

describe('frame codec', () => {
  it('round-trips plain data', () => {
    const payload = {
      n: [0, -1, 127, 128, -33, 65535, 2 ** 32 + 5, -(2 ** 40), 1.5],
      s: ['', 'x'.repeat(40), 'é'.repeat(300)],
      b: new Uint8Array([1, 2, 3]),
      nested: { t: true, f: false, z: null, u: undefined },
    };
    const r = decodeFrame(frame(payload));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.frame).toMatchObject({ kind: 1, channel: 'raft', id: 0 });
      expect(r.frame.payload).toEqual({ ...payload, b: Buffer.from([1, 2, 3]) });
    }
  });

  it('refuses every msgpackr extension that would construct something', () => {
    const more = new Packr({ moreTypes: true, structuredClone: true });
    const cases: Array<[string, unknown]> = [
      ['Date', new Date(0)],
      ['Set', new Set([1])],
      ['Map', new Map([[{}, 1]])],
      ['Error', new TypeError('x')],
      ['RegExp', /(a+)+$/],
      ['typed array', new Float64Array([1])],
      ['BigInt beyond int64', 2n ** 70n],
    ];
    let checked = 0;
    for (const [name, value] of cases) {
      let payload: Buffer;
      try {
        payload = more.pack(value);
      } catch {
        continue; // this msgpackr version has no encoding for it at all
      }
      if (checkPlainMsgpack(payload) === undefined) continue; // encoded as plain data: harmless
      expect(refused(wrap(payload)), name).toMatch(/extension|invalid/);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
    // A structured-clone reference (cyclic object) and an unknown extension type.
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(refused(wrap(more.pack(cyclic)))).toMatch(/extension/);
    expect(refused(wrap(Buffer.from([0xd5, 0x20, 1, 2])))).toBe('extension type 32 refused');
    expect(refused(wrap(Buffer.from([0xc7, 1, 0x65, 0])))).toBe('extension type 101 refused');
  });

  it('refuses record definitions, and later frames never see a structure', () => {
    const records = new Packr({ useRecords: true });
    const withRecord = records.pack([
      { a: 1, b: 2 },
      { a: 3, b: 4 },
    ]);
    expect(refused(wrap(withRecord))).toMatch(/extension type 114/);
    // Hand-made record definition: fixext1 'r' id 0 followed by field names.
    expect(refused(wrap(Buffer.from([0xd4, 0x72, 0x40, 0x91, 0xa1, 0x61, 0x01])))).toMatch(/114/);
    // 0x40 after that is just the number 64: no record was ever registered.
    const r = decodeFrame(wrap(Buffer.from([0x40])));
    expect(r.ok && r.frame.payload).toBe(64);
  });

  it('never lets __proto__ or constructor keys touch prototypes', () => {
    // { "__proto__": { "polluted": true }, "constructor": { "prototype": 1 } }
    const enc = (s: string) => Buffer.concat([Buffer.from([0xa0 | s.length]), Buffer.from(s)]);
    const bytes = Buffer.concat([
      Buffer.from([0x82]),
      enc('__proto__'),
      Buffer.from([0x81]),
      enc('polluted'),
      Buffer.from([0xc3]),
      enc('constructor'),
      Buffer.from([0x81]),
      enc('prototype'),
      Buffer.from([0x01]),
    ]);
    const r = decodeFrame(wrap(bytes));
    expect(r.ok).toBe(true);
    const v = (r.ok ? r.frame.payload : undefined) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect((v as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(v.constructor).toEqual({ prototype: 1 });
  });

  it('refuses truncated, lying, deep and garbage input without throwing', () => {
    const good = frame({ k: 'v'.repeat(100), n: [1, 2, 3] });
    for (let cut = 1; cut < good.length; cut++) expect(decodeFrame(good.subarray(0, cut)).ok).toBe(false);
    expect(refused(Buffer.concat([good, Buffer.from([0])]))).toBe('trailing bytes');
    expect(refused(wrap(Buffer.from([0xdf, 0x80, 0, 0, 0])))).toBe('container length exceeds frame');
    expect(refused(wrap(Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff])))).toBe('container length exceeds frame');
    expect(refused(wrap(Buffer.from([0xc6, 0x7f, 0xff, 0xff, 0xff])))).toBe('truncated');
    const deep = Buffer.concat([Buffer.alloc(100_000, 0x91), Buffer.from([0xc0])]);
    expect(refused(wrap(deep))).toBe('nesting too deep');
    expect(refused(wrap(Buffer.from([0xc1])))).toMatch(/invalid type byte/);
    expect(refused(Buffer.from([0x93, 1, 2, 3]))).toBe('not a frame');
    expect(refused(Buffer.from([0x94, 9, 0xa1, 0x61, 0, 0]))).toBe('bad frame kind');
    expect(refused(Buffer.from([0x94, 1, 0xa0, 0, 0]))).toBe('bad channel');
    expect(refused(Buffer.from([0x94, 2, 0xa1, 0x61, 0xff, 0]))).toBe('bad id');
  });

  it('survives seeded random bytes (SEED=... replays)', () => {
    const seed = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = Math.imul(s ^ (s >>> 15), s | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    try {
      for (let i = 0; i < 3000; i++) {
        const buf = Buffer.alloc(1 + Math.floor(next() * 64));
        for (let j = 0; j < buf.length; j++) buf[j] = Math.floor(next() * 256);
        const r = decodeFrame(i % 2 === 0 ? buf : wrap(buf));
        if (r.ok) expect(typeof r.frame.channel).toBe('string');
      }
    } catch (err) {
      console.error(`codec fuzz failed with SEED=${seed}`);
      throw err;
    }
  });
});
