import { describe, expect, it } from 'vitest';
import {
  encodeChangedConfigs,
  encodeChangedConfigsOld,
  javaUrlEncode,
  MAX_LISTENED_KEYS,
  parseListeningConfigs,
} from '../../src/config-center/listening-configs.js';

const W = '\u0002';
const L = '\u0001';
const MD5 = '0123456789abcdef0123456789abcdef';

function invalidProbe(raw: string | undefined) {
  let caught: unknown;
  try {
    parseListeningConfigs(raw);
  } catch (err) {
    caught = err;
  }
  expect(caught).toMatchObject({ code: 'REG_CONFIG_INVALID', message: 'invalid probeModify' });
}

describe('parseListeningConfigs', () => {
  it('reads records with and without a tenant', () => {
    const parsed = parseListeningConfigs(`a.yaml${W}DEFAULT_GROUP${W}${MD5}${L}b${W}G${W}${W}dev${L}`);
    expect(parsed).toEqual([
      {
        dataId: 'a.yaml',
        group: 'DEFAULT_GROUP',
        tenant: '',
        md5: MD5,
        sentTenant: '',
        id: expect.any(String),
      },
      { dataId: 'b', group: 'G', tenant: 'dev', md5: '', sentTenant: 'dev', id: expect.any(String) },
    ]);
  });

  it('maps the public tenant spellings onto the public namespace but echoes what was sent', () => {
    const [c] = parseListeningConfigs(`a${W}G${W}${W}public${L}`);
    expect(c).toMatchObject({ tenant: '', sentTenant: 'public' });
    const [d] = parseListeningConfigs(`a${W}G${W}${W}NULL${L}`);
    expect(d).toMatchObject({ tenant: '', md5: '', sentTenant: 'NULL' });
  });

  it('keeps the last md5 of a key listed twice', () => {
    const parsed = parseListeningConfigs(`a${W}G${W}${L}a${W}G${W}${MD5}${L}`);
    expect(parsed).toHaveLength(1);
    expect(parsed[0]?.md5).toBe(MD5);
  });

  it('decodes the value once more, as Nacos does', () => {
    const [c] = parseListeningConfigs(`a%3Ab${W}G${W}${L}`);
    expect(c?.dataId).toBe('a:b');
  });

  it('refuses blank, unterminated, short, long and malformed input with invalid probeModify', () => {
    invalidProbe(undefined);
    invalidProbe('   ');
    invalidProbe(`a${W}G${W}${MD5}`); // no terminator
    invalidProbe(`a${W}G${L}`); // two fields
    invalidProbe(`a${W}G${W}${MD5}${W}t${W}x${L}`); // five fields
    invalidProbe(`a${W}G${W}not-an-md5${L}`);
    invalidProbe(`../etc${W}G${W}${L}`);
    invalidProbe(`a${W}${W}${L}`); // empty group
    invalidProbe(`a${W}G${W}${W}bad/tenant${L}`);
    invalidProbe(`a%zz${W}G${W}${L}`); // bad second decoding
    invalidProbe(`a${W}G${W}${L}${L}`); // empty record
  });

  it('refuses more than 10000 keys', () => {
    const many = Array.from({ length: MAX_LISTENED_KEYS + 1 }, (_, i) => `d${i}${W}G${W}${L}`).join('');
    invalidProbe(many);
    const max = Array.from({ length: MAX_LISTENED_KEYS }, (_, i) => `d${i}${W}G${W}${L}`).join('');
    expect(parseListeningConfigs(max)).toHaveLength(MAX_LISTENED_KEYS);
  });
});

describe('encodeChangedConfigs', () => {
  it('URL-encodes dataId, group and a sent tenant with the separators, then a newline', () => {
    const [a, b] = parseListeningConfigs(`d1${W}DEFAULT_GROUP${W}${L}x:y${W}G${W}${W}dev${L}`);
    if (!a || !b) throw new Error('parse failed');
    expect(encodeChangedConfigs([a])).toBe('d1%02DEFAULT_GROUP%01\n');
    expect(encodeChangedConfigs([a, b])).toBe('d1%02DEFAULT_GROUP%01x%3Ay%02G%02dev%01\n');
    expect(decodeURIComponent(encodeChangedConfigs([b]).trim())).toBe(`x:y${W}G${W}dev${L}`);
    expect(encodeChangedConfigs([])).toBe('');
    expect(encodeChangedConfigsOld([a, b])).toBe('d1:DEFAULT_GROUP;x:y:G;');
  });

  it("encodes as Java's URLEncoder does", () => {
    expect(javaUrlEncode("a b*._-!'()~")).toBe('a+b*._-%21%27%28%29%7E');
    expect(javaUrlEncode('配置')).toBe('%E9%85%8D%E7%BD%AE');
  });
});
