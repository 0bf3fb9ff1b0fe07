// Run: npx vitest bench --run --project @reg/raft test/linearizability
// Histories are generated once, outside the measured functions.
import { bench, describe } from 'vitest';
import { checkLinearizability, kvModel } from '../../src/testing/linearizability/index.js';
import { generateKvHistory, injectStaleRead } from './generate.js';

const model = kvModel();
const threeClientsOneKey = generateKvHistory({ seed: 1, clients: 3, ops: 3000, keys: 1, maxSpan: 25 });
const threeClientsTenKeys = generateKvHistory({ seed: 1, clients: 3, ops: 3000, keys: 10, maxSpan: 25 });
const tenThousand = generateKvHistory({
  seed: 2,
  clients: 10,
  ops: 10_000,
  keys: 10,
  maxSpan: 40,
  pendingRate: 0.01,
});
const tail = injectStaleRead(tenThousand.slice(-600), 3);
if (tail === undefined) throw new Error('no stale read to inject');
const tenThousandStale = [...tenThousand.slice(0, -600), ...tail.history];

function expect(result: string, wanted: string): void {
  if (result !== wanted) throw new Error(`expected ${wanted}, got ${result}`);
}

describe('checkLinearizability (kv model)', () => {
  bench('3 clients x 1,000 ops, 1 key', () => {
    expect(checkLinearizability(threeClientsOneKey, model).result, 'ok');
  });
  bench('3 clients x 1,000 ops, 10 keys', () => {
    expect(checkLinearizability(threeClientsTenKeys, model).result, 'ok');
  });
  bench('10,000 ops, 10 clients, 10 keys, 1% never returned', () => {
    expect(checkLinearizability(tenThousand, model).result, 'ok');
  });
  bench('the same with one stale read (illegal)', () => {
    expect(checkLinearizability(tenThousandStale, model).result, 'illegal');
  });
});
