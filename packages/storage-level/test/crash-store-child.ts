/**
 * The LevelStorage crash child: publishes config versions `v1, v2, ...` to 8 keys with overlapping
 * writes and prints `A <key> <version>` once each publish resolved. The parent SIGKILLs it.
 * Usage: node crash-store-child.js <location> <seed>
 */
import { LevelStorage } from '../src/level-storage.js';
import { prng } from './crash-model.js';

const [location, seedText] = process.argv.slice(2);
if (location === undefined || seedText === undefined)
  throw new Error('usage: crash-store-child <location> <seed>');
const rand = prng(Number(seedText));
const store = new LevelStorage({ location });
await store.open();
const keys = Array.from({ length: 8 }, (_, i) => ({ dataId: `key-${i}`, group: 'g', tenant: '' }));
const version = new Map<string, number>();
for (const k of keys) {
  const c = await store.configs.get(k);
  version.set(k.dataId, c === undefined ? 0 : Number(c.content.split(':')[0]?.slice(1)));
}
process.stdout.write('R\n');
const deadline = Date.now() + 10_000;
for (let step = 0; step < 100_000 && Date.now() < deadline; step++) {
  // One publish per key at a time (versions of a key are sequential), several keys at once.
  const wave = keys.filter(() => rand() < 0.6);
  await Promise.all(
    wave.map(async (k) => {
      const v = (version.get(k.dataId) ?? 0) + 1;
      version.set(k.dataId, v);
      await store.configs.publish({ ...k, content: `v${v}:${'x'.repeat(Math.floor(rand() * 2000))}` });
      process.stdout.write(`A ${k.dataId} ${v}\n`);
    }),
  );
}
await store.close();
