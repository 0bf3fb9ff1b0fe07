import type { Storage } from '@reg/storage';
import { LevelStorage } from '@reg/storage-level';
import { pino } from 'pino';
import type { CommandPosition, CpModule } from '../../src/consensus/consensus.js';
import { Plane } from '../../src/consensus/plane.js';
import { standalonePeers } from '../../src/consensus/standalone-peers.js';
import { RegistryError } from '../../src/errors.js';
import { Readiness } from '../../src/http/readiness.js';

/** A standalone plane over real LevelDB folders under `dir` (state in `dir/storage`, log in `dir/raft`). */
export async function openPlane(
  dir: string,
  options: { cpTimeoutMs?: number; snapshotAfterEntries?: number; address?: string } = {},
) {
  const storage = new LevelStorage({ location: `${dir}/storage`, sync: true });
  await storage.open();
  const readiness = new Readiness();
  const plane = new Plane({
    dataDir: dir,
    clusterPort: 7848,
    storage: { kind: 'embedded', storage },
    settings: {
      cpTimeoutMs: options.cpTimeoutMs ?? 5_000,
      electionTimeoutMs: 1_000,
      clusterSecret: undefined,
      ...(options.snapshotAfterEntries === undefined
        ? {}
        : { snapshotAfterEntries: options.snapshotAfterEntries }),
    },
    peers: standalonePeers(options.address ?? '127.0.0.1:8848'),
    readiness,
    logger: pino({ level: 'silent' }),
  });
  return {
    plane,
    storage,
    readiness,
    async close() {
      await plane.close();
      await storage.close();
    },
  };
}

export interface Put {
  readonly key: string;
  readonly value: number;
}

/**
 * A tiny CP module for tests: `{ key, value }` puts into the storage's kv space, idempotent by
 * log index, recording every `apply` call it receives.
 */
export function counterModule(storage: Storage, name = 'counter') {
  const applied: { command: Put; position: CommandPosition }[] = [];
  const validated: unknown[] = [];
  const restores = { count: 0 };
  const module: CpModule<Put, { index: number; stored: boolean }> = {
    name,
    validate(command) {
      validated.push(command);
      const c = command as Partial<Put> | null;
      if (typeof c?.key !== 'string' || c.key === '' || typeof c.value !== 'number') {
        throw new RegistryError('REG_BODY_INVALID', 'a put needs a key and a numeric value');
      }
      return { key: c.key, value: c.value };
    },
    // Reads go to storage every time: nothing to reload after a snapshot replaced the store.
    restored() {
      restores.count++;
    },
    async apply(command, position) {
      applied.push({ command, position });
      const key = `${name}/${command.key}`;
      const current = await storage.kv.get(key);
      const stored =
        current === undefined || JSON.parse(new TextDecoder().decode(current)).index < position.index;
      if (stored) {
        const record = JSON.stringify({ value: command.value, index: position.index });
        await storage.kv.batch([{ type: 'put', key, value: new TextEncoder().encode(record) }]);
      }
      return { index: position.index, stored };
    },
  };
  const read = async (key: string) => {
    const bytes = await storage.kv.get(`${name}/${key}`);
    return bytes === undefined
      ? undefined
      : (JSON.parse(new TextDecoder().decode(bytes)) as { value: number; index: number });
  };
  return { module, applied, validated, read, restores };
}

export async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
