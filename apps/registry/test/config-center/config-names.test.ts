import { describe, expect, it } from 'vitest';
import {
  checkDataIdAndGroup,
  checkTag,
  isValidConfigName,
  normalizeTenant,
} from '../../src/config-center/config-names.js';

describe('config names', () => {
  it("accepts Nacos' charset: letters (any script), digits, _ - . :", () => {
    for (const name of ['app.yaml', 'DEFAULT_GROUP', 'a-b:c_d.e', '配置', 'x..y', '.env']) {
      expect(isValidConfigName(name), name).toBe(true);
    }
  });

  it('refuses separators, spaces, path segments, astral characters and empty names', () => {
    for (const name of ['', 'a/b', '../etc', 'a b', 'a\u0002b', '..', '.', '😀', 'a%2Fb', 'a\\b']) {
      expect(isValidConfigName(name), JSON.stringify(name)).toBe(false);
    }
  });

  it('words refusals as Nacos does', () => {
    expect(() => checkDataIdAndGroup('../x', 'G')).toThrow('invalid dataId : ../x');
    expect(() => checkDataIdAndGroup('x', '')).toThrow('invalid group : ');
    expect(() => checkDataIdAndGroup('x'.repeat(256), 'G')).toThrow(/invalid dataId/);
    expect(() => checkTag('a/b')).toThrow('invalid tag : a/b');
    expect(() => checkTag('x'.repeat(17))).toThrow('too long tag, over 16');
    expect(() => checkTag(undefined)).not.toThrow();
  });

  it('normalises the public namespace spellings to the empty tenant', () => {
    expect(normalizeTenant(undefined)).toBe('');
    expect(normalizeTenant('  ')).toBe('');
    expect(normalizeTenant('Public')).toBe('');
    expect(normalizeTenant('NULL')).toBe('');
    expect(normalizeTenant('dev-1')).toBe('dev-1');
    expect(() => normalizeTenant('a/b')).toThrow('invalid tenant');
    expect(() => normalizeTenant('t'.repeat(129))).toThrow('too long tenant, over 128');
  });
});
