import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { prng } from '../src/conformance/api.js';
import { compareCodePoints, md5Hex, pageOf, wildcardToLike, wildcardToRegExp } from '../src/text.js';
import { codePointLength } from '../src/validate.js';

const ALPHABET = ['a', 'b', 'Z', '%', '_', '\\', '*', 'é', '中', '\uE000', '\uFFFF', '😀', '𝄞', '\u0001'];

describe('compareCodePoints', () => {
  it('agrees with UTF-8 byte order on random strings (differential)', () => {
    const seed = Number(process.env.SEED ?? 12345);
    const rand = prng(seed);
    const word = () =>
      Array.from(
        { length: Math.floor(rand() * 6) },
        () => ALPHABET[Math.floor(rand() * ALPHABET.length)],
      ).join('');
    for (let i = 0; i < 3000; i++) {
      const a = word();
      const b = word();
      const naive = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
      if (Math.sign(compareCodePoints(a, b)) !== naive)
        throw new Error(`seed=${seed}: ${JSON.stringify([a, b])}`);
    }
    expect(compareCodePoints('\uFFFF', '😀') < 0).toBe(true);
    expect('\uFFFF' < '😀').toBe(false); // why the helper exists
  });
});

describe('wildcards', () => {
  it('only * is special in blur patterns', () => {
    expect(wildcardToRegExp('a*c').test('abbbc')).toBe(true);
    expect(wildcardToRegExp('a.c').test('abc')).toBe(false);
    expect(wildcardToRegExp('a%c').test('abc')).toBe(false);
    expect(wildcardToRegExp('a%c').test('a%c')).toBe(true);
    expect(wildcardToRegExp('(x)[y]?').test('(x)[y]?')).toBe(true);
    expect(wildcardToRegExp('*').test('line\nbreak')).toBe(true);
    expect(wildcardToRegExp('ab').test('xaby')).toBe(false);
  });

  it('SQL LIKE patterns escape %, _ and \\ and turn * into %', () => {
    expect(wildcardToLike('a*b%c_d\\e')).toBe('a%b\\%c\\_d\\\\e');
  });
});

describe('helpers', () => {
  it('md5 of UTF-8, code point length, paging', () => {
    expect(md5Hex('The quick brown fox jumps over the lazy dog')).toBe('9e107d9d372bb6826bd81d3542a419d6');
    // Of the UTF-8 bytes (E4 B8 AD), not of UTF-16 units.
    expect(md5Hex('中')).toBe(
      createHash('md5')
        .update(Uint8Array.of(0xe4, 0xb8, 0xad))
        .digest('hex'),
    );
    expect(codePointLength('a😀')).toBe(2);
    expect(pageOf([1, 2, 3, 4, 5], { pageNo: 2, pageSize: 2 })).toEqual({
      totalCount: 5,
      pageNumber: 2,
      pagesAvailable: 3,
      pageItems: [3, 4],
    });
  });
});
