import { describe, expect, it } from 'vitest';
import { PropertiesSyntaxError, parseProperties } from '../../src/config/properties.js';

const valueFor = (text: string, key: string) => parseProperties(text).get(key)?.value;

describe('parseProperties', () => {
  it('reads key=value, key:value and key value with their line numbers', () => {
    const entries = parseProperties('a=1\n\nb : two\n  c   three words\n');
    expect([...entries.values()]).toEqual([
      { key: 'a', value: '1', line: 1 },
      { key: 'b', value: 'two', line: 3 },
      { key: 'c', value: 'three words', line: 4 },
    ]);
  });

  it('skips # and ! comments but keeps # inside values', () => {
    const entries = parseProperties('# comment\n  ! other\nurl=http://x/#frag\n');
    expect([...entries.keys()]).toEqual(['url']);
    expect(valueFor('url=http://x/#frag', 'url')).toBe('http://x/#frag');
  });

  it('joins continuation lines and drops their leading whitespace', () => {
    const entries = parseProperties('list=a,\\\n    b,\\\n    c\nnext=1');
    expect(entries.get('list')).toEqual({ key: 'list', value: 'a,b,c', line: 1 });
    expect(entries.get('next')?.line).toBe(4);
  });

  it('treats an even number of trailing backslashes as literal', () => {
    expect(valueFor('path=C:\\\\\nnext=1', 'path')).toBe('C:\\');
  });

  it('decodes escapes in keys and values', () => {
    expect(valueFor('tab=a\\tb', 'tab')).toBe('a\tb');
    expect(valueFor('uni=\\u4e2d\\u6587', 'uni')).toBe('中文');
    expect(valueFor('my\\ key=v', 'my key')).toBe('v');
    expect(valueFor('eq\\=key=v', 'eq=key')).toBe('v');
  });

  it('lets a later duplicate win', () => {
    expect(valueFor('a=1\na=2', 'a')).toBe('2');
  });

  it('accepts CRLF, a BOM and an empty value', () => {
    const entries = parseProperties('\uFEFFa=1\r\nb=\r\n');
    expect(entries.get('a')?.value).toBe('1');
    expect(entries.get('b')?.value).toBe('');
  });

  it('rejects a malformed \\u escape with its line', () => {
    try {
      parseProperties('ok=1\nbad=\\u12G4');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PropertiesSyntaxError);
      expect((err as PropertiesSyntaxError).line).toBe(2);
    }
  });
});
