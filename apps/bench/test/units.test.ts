import { describe, expect, it } from 'vitest';
import { parseFlags } from '../src/args.js';
import { isBenchError } from '../src/errors.js';
import { decodeSet, encodeSet } from '../src/kv-example/kv-state-machine.js';
import { parseMembers } from '../src/kv-example/members.js';
import { median, quantile, summarize } from '../src/stats.js';

describe('stats', () => {
  it('nearest-rank quantiles and a median that is always a measured value', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(xs, 0.5)).toBe(50);
    expect(quantile(xs, 0.99)).toBe(99);
    expect(quantile(xs, 1)).toBe(100);
    expect(median([3, 1, 2, 10])).toBe(2);
    expect(median([Number.NaN, 4])).toBe(4);
    expect(Number.isNaN(median([]))).toBe(true);
    expect(summarize([5, 1, 3])).toEqual({ count: 3, p50: 3, p99: 5, max: 5, mean: 3 });
  });
});

describe('parseFlags', () => {
  it('reports every problem at once with BENCH_BAD_ARGUMENT', () => {
    try {
      parseFlags(['--runs', 'x', '--vs', 'consul'], {});
      expect.unreachable();
    } catch (err) {
      expect(isBenchError(err, 'BENCH_BAD_ARGUMENT')).toBe(true);
      expect((err as Error).message).toContain('--runs "x"');
      expect((err as Error).message).toContain('--vs "consul": expected etcd or zookeeper');
    }
    expect(() => parseFlags(['--bogus', '1'], {})).toThrow(/bogus/);
    expect(parseFlags(['--conc', '1,16'], { conc: { kind: 'list', help: '' } }).conc).toBe('1,16');
  });
});

describe('kv-example', () => {
  it('set commands round-trip, and malformed ones are refused', () => {
    const value = new Uint8Array([1, 2, 3]);
    expect(decodeSet(encodeSet('ключ', value))).toEqual({ key: 'ключ', value });
    expect(() => decodeSet(new Uint8Array([0, 9, 1]))).toThrow(RangeError);
    expect(() => encodeSet('', value)).toThrow(RangeError);
  });

  it('member lists parse, and every bad entry is named', () => {
    expect(parseMembers('1=127.0.0.1:7101:8101,2=localhost:7102:8102')[0]).toEqual({
      id: 1,
      host: '127.0.0.1',
      raftPort: 7101,
      httpPort: 8101,
    });
    expect(() => parseMembers('1=h:1:2,1=h:3:4')).toThrow(/unique/);
    expect(() => parseMembers('x=h:1:2,2=h:99999:1')).toThrow(/"x=h:1:2".*"2=h:99999:1"/);
  });
});
