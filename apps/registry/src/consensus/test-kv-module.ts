import type { FastifyInstance } from 'fastify';
import { RegistryError } from '../errors.js';
import { NacosParams } from '../http/params.js';
import type { RegistryModule, RegistryModuleInstance } from '../registry.js';

/**
 * A TEST-ONLY API module, enabled by the environment variable `REG_TEST_MODULES=kv` and only on a
 * loopback bind address (see `main.ts`): the process tests drive the cluster plane through it.
 * Never part of `API_MODULES`.
 *
 * - `PUT /v1/test/kv?key=&value=`: a CP write through Raft; answers `{ index, term, time }`.
 * - `GET /v1/test/kv?key=[&consistent=true]`: the local value (after a read barrier when asked).
 * - `PUT /v1/test/ephemeral?key=&value=`, `GET /v1/test/ephemeral?key=`: a Distro engine.
 */
export const TEST_KV_MODULE_NAME = 'test-kv';

interface KvCommand {
  readonly key: string;
  readonly value: string;
}

/** Stored per key: the value and the index that wrote it (re-applying an older index is a no-op). */
interface KvRecord {
  readonly value: string;
  readonly index: number;
}

const KEY = /^[A-Za-z0-9._-]{1,64}$/;
const PREFIX = 'test-kv/';

function validate(command: unknown): KvCommand {
  const c = command as Partial<KvCommand> | null;
  if (typeof c?.key !== 'string' || !KEY.test(c.key)) {
    throw new RegistryError('REG_PARAM_INVALID', `key ${JSON.stringify(c?.key)} must match ${KEY}`);
  }
  if (typeof c.value !== 'string' || c.value.length > 1024) {
    throw new RegistryError('REG_PARAM_INVALID', 'value must be a string of at most 1024 characters');
  }
  return { key: c.key, value: c.value };
}

export const testKvModule: RegistryModule = {
  name: TEST_KV_MODULE_NAME,
  setup({ consensus, ephemeral, storage }): RegistryModuleInstance {
    const kv = storage.storage.kv;
    const read = async (key: string): Promise<KvRecord | undefined> => {
      const bytes = await kv.get(PREFIX + key);
      return bytes === undefined ? undefined : (JSON.parse(new TextDecoder().decode(bytes)) as KvRecord);
    };
    const writer = consensus.register<KvCommand, { index: number; term: number; time: number }>({
      name: TEST_KV_MODULE_NAME,
      validate,
      // Reads go to storage every time: nothing in memory to reload after a snapshot.
      restored() {},
      async apply(command, position) {
        const current = await read(command.key);
        if (current === undefined || current.index < position.index) {
          const record: KvRecord = { value: command.value, index: position.index };
          await kv.batch([
            {
              type: 'put',
              key: PREFIX + command.key,
              value: new TextEncoder().encode(JSON.stringify(record)),
            },
          ]);
        }
        return { index: position.index, term: position.term, time: position.time };
      },
    });
    const engine = ephemeral.distro<string>(TEST_KV_MODULE_NAME, {
      validateValue: (value) => typeof value === 'string',
    });

    async function routes(app: FastifyInstance) {
      app.put('/v1/test/kv', async (request) => {
        const params = NacosParams.of(request);
        return writer.submit({ key: params.required('key'), value: params.raw('value') ?? '' });
      });
      app.get('/v1/test/kv', async (request, reply) => {
        const params = NacosParams.of(request);
        const key = params.required('key');
        if (params.optional('consistent') === 'true') await consensus.readBarrier();
        const record = await read(key);
        if (record === undefined) return reply.code(404).send({ key });
        return { key, value: record.value, index: record.index };
      });
      app.put('/v1/test/ephemeral', async (request) => {
        const params = NacosParams.of(request);
        const result = await engine.put(params.required('key'), params.raw('value') ?? '');
        return { appliedBy: result.appliedBy, forwarded: result.forwarded };
      });
      app.get('/v1/test/ephemeral', async (request, reply) => {
        const key = NacosParams.of(request).required('key');
        const value = engine.get(key);
        if (value === undefined) return reply.code(404).send({ key });
        return { key, value };
      });
    }
    return { routes };
  },
};
