import { MemoryStorage, md5Hex } from '@reg/storage';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigCommand } from '../../src/config-center/config-commands.js';
import { executeConfigCommand } from '../../src/config-center/config-executor.js';
import { ConfigStateMachine } from '../../src/config-center/config-state-machine.js';
import { ListenerHub } from '../../src/config-center/listener-hub.js';
import { dumpConfigState } from './store-dump.js';

/** mulberry32: small, seedable, good enough to pick commands. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TENANTS = ['', 'dev'];
const stores: MemoryStorage[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function store() {
  const s = new MemoryStorage();
  await s.open();
  stores.push(s);
  return s;
}

function randomCommand(rand: () => number, contents: string[], time: number): ConfigCommand {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const key = { dataId: pick(['a', 'b', 'c']), group: pick(['G1', 'G2']), tenant: pick(TENANTS) };
  const source = { srcUser: pick(['', 'u']), srcIp: '10.0.0.1' };
  const r = rand();
  if (r < 0.5) {
    const content = pick(['x', 'y', 'z']);
    const cas = rand() < 0.4 ? { casMd5: md5Hex(pick(contents)) } : {};
    return {
      op: 'publish',
      config: {
        ...key,
        content,
        type: 'text',
        appName: '',
        desc: '',
        tags: [pick(['t1', 't2'])],
        use: '',
        effect: '',
        schema: '',
        ...source,
        ...cas,
      },
    };
  }
  if (r < 0.7) return { op: 'delete', key, source };
  if (r < 0.8)
    return { op: 'delete-ids', ids: [1 + Math.floor(rand() * 8), 1 + Math.floor(rand() * 8)], source };
  if (r < 0.9)
    return {
      op: 'namespace-create',
      namespace: { id: pick(['n1', 'n2']), name: pick(['A', 'B']), desc: '' },
    };
  if (r < 0.93) return { op: 'history-purge', before: time - Math.floor(rand() * 20) };
  if (r < 0.95)
    return {
      op: 'namespace-update',
      namespace: { id: pick(['n1', 'n2']), name: pick(['A', 'B']), desc: 'd' },
    };
  return { op: 'namespace-delete', id: pick(['n1', 'n2']) };
}

describe('config apply is deterministic and crash-idempotent', () => {
  it('leaves identical stores on a member that replays after crashes and one that never crashed', async () => {
    const seed = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
    const rand = random(seed);
    try {
      for (let round = 0; round < 5; round++) {
        const steady = await store();
        const crashy = await store();
        const a = new ConfigStateMachine({ storage: steady, kind: 'embedded', hub: new ListenerHub() });
        const b = new ConfigStateMachine({ storage: crashy, kind: 'embedded', hub: new ListenerHub() });
        const results: unknown[][] = [[], []];
        // Same-millisecond entries happen (a leader proposes fast): reuse times now and then.
        let time = 1_700_000_000_000;
        for (let index = 1; index <= 120; index++) {
          if (rand() < 0.7) time += 1 + Math.floor(rand() * 5);
          const command = a.validate(randomCommand(rand, ['x', 'y', 'z'], time));
          const position = { index, term: 1, time };
          results[0]?.push(await a.apply(command, position));
          if (rand() < 0.25) {
            // Crash after the write landed, before its index was recorded; then the replay of
            // the whole tail since an older checkpoint.
            await executeConfigCommand(crashy, command, time, { dedupe: true });
          }
          results[1]?.push(await b.apply(command, position));
          if (rand() < 0.1) {
            for (let replay = Math.max(1, index - 3); replay <= index; replay++) {
              expect(await b.apply(command, { index: replay, term: 1, time })).toBeNull();
            }
          }
        }
        expect(await dumpConfigState(crashy, TENANTS)).toEqual(await dumpConfigState(steady, TENANTS));
      }
    } catch (err) {
      console.error(`config apply determinism failed: replay with SEED=${seed}`);
      throw err;
    }
  });
});
