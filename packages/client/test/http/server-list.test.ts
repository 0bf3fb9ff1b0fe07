import { describe, expect, it } from 'vitest';
import { parseServerAddresses } from '../../src/http/server-address.js';
import { ServerList } from '../../src/http/server-list.js';

const three = parseServerAddresses('a:1,b:2,c:3', 'nacos');
const labels = (list: ServerList) => list.attemptOrder().map((a) => a.label);

describe('ServerList', () => {
  it('starts at the server the random source picks and tries each server once, in ring order', () => {
    expect(labels(new ServerList(three, { random: () => 0 }))).toEqual(['a:1', 'b:2', 'c:3']);
    expect(labels(new ServerList(three, { random: () => 0.5 }))).toEqual(['b:2', 'c:3', 'a:1']);
    expect(labels(new ServerList(three, { random: () => 0.99 }))).toEqual(['c:3', 'a:1', 'b:2']);
  });

  it('stays on a server that answers and moves on from one that fails', () => {
    let now = 1000;
    const list = new ServerList(three, { random: () => 0, now: () => now });
    list.reportFailure(three[0]!);
    expect(labels(list)).toEqual(['b:2', 'c:3', 'a:1']);
    list.reportSuccess(three[1]!);
    now += 10;
    expect(labels(list)[0]).toBe('b:2');
    list.reportSuccess(three[2]!);
    expect(labels(list)[0]).toBe('c:3');
  });

  it('tries servers that failed recently last, until they answer again or the cooldown passes', () => {
    let now = 1000;
    const list = new ServerList(three, { random: () => 0, now: () => now, failureCooldownMs: 5000 });
    list.reportFailure(three[1]!);
    expect(labels(list)).toEqual(['a:1', 'c:3', 'b:2']);
    list.reportFailure(three[0]!);
    expect(labels(list)).toEqual(['c:3', 'b:2', 'a:1']);
    now += 5001;
    expect(labels(list)).toEqual(['b:2', 'c:3', 'a:1']);
    now += 1;
    list.reportFailure(three[2]!);
    list.reportSuccess(three[0]!);
    expect(labels(list)).toEqual(['a:1', 'b:2', 'c:3']);
  });

  it('ignores reports about servers it does not hold', () => {
    const list = new ServerList(three, { random: () => 0 });
    list.reportFailure({ label: 'x:9', baseUrl: 'http://x:9/nacos' });
    expect(labels(list)).toEqual(['a:1', 'b:2', 'c:3']);
  });
});

describe('parseServerAddresses', () => {
  it('accepts strings, arrays, schemes, IPv6 and default ports, and drops duplicates', () => {
    expect(parseServerAddresses(' 10.0.0.1 , 10.0.0.2:9848,10.0.0.1:8848', '/nacos/')).toEqual([
      { label: '10.0.0.1:8848', baseUrl: 'http://10.0.0.1:8848/nacos' },
      { label: '10.0.0.2:9848', baseUrl: 'http://10.0.0.2:9848/nacos' },
    ]);
    expect(parseServerAddresses(['https://reg.example.com', '[::1]:8848'], '')).toEqual([
      { label: 'reg.example.com:443', baseUrl: 'https://reg.example.com:443' },
      { label: '[::1]:8848', baseUrl: 'http://[::1]:8848' },
    ]);
  });

  it('refuses empty lists, paths, credentials and bad context paths with CLIENT_INVALID_OPTION', () => {
    for (const bad of ['', ' , ', 'host:1/path', 'user:pw@host:1', 'host:99999']) {
      expect(() => parseServerAddresses(bad, 'nacos'), bad).toThrow(
        expect.objectContaining({ code: 'CLIENT_INVALID_OPTION' }),
      );
    }
    expect(() => parseServerAddresses('a', 'na cos')).toThrow(
      expect.objectContaining({ code: 'CLIENT_INVALID_OPTION' }),
    );
  });
});
