import { BenchError } from '../errors.js';
import { httpCall, keepAliveAgent } from '../http-client.js';
import { ZK_NODE_EXISTS, ZkSession } from './zk-client.js';

/** What the load generator drives: the same closed loop calls `put` whatever the server is. */
export interface PutTarget {
  put(key: string, value: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export type TargetKind = 'kv' | 'etcd' | 'zookeeper';

/** The kv-example's HTTP API: `PUT /kv/<key>` with the raw value as the body. */
function kvTarget(endpoint: string, sockets: number): PutTarget {
  const agent = keepAliveAgent(sockets);
  return {
    async put(key, value) {
      const reply = await httpCall({
        method: 'PUT',
        url: `http://${endpoint}/kv/${key}`,
        body: value,
        agent,
      });
      if (reply.status !== 200)
        throw new BenchError(
          'BENCH_REQUEST_FAILED',
          `kv put: HTTP ${reply.status} ${reply.body.toString().slice(0, 200)}`,
        );
    },
    async close() {
      agent.destroy();
    },
  };
}

/** etcd's HTTP/JSON gateway (`POST /v3/kv/put`, base64 fields), as the peers' anchors used. */
function etcdTarget(endpoint: string, sockets: number): PutTarget {
  const agent = keepAliveAgent(sockets);
  const headers = { 'content-type': 'application/json' };
  return {
    async put(key, value) {
      const body = `{"key":"${Buffer.from(key).toString('base64')}","value":"${Buffer.from(value).toString('base64')}"}`;
      const reply = await httpCall({
        method: 'POST',
        url: `http://${endpoint}/v3/kv/put`,
        body,
        headers,
        agent,
      });
      if (reply.status !== 200)
        throw new BenchError(
          'BENCH_REQUEST_FAILED',
          `etcd put: HTTP ${reply.status} ${reply.body.toString().slice(0, 200)}`,
        );
    },
    async close() {
      agent.destroy();
    },
  };
}

const ZK_ROOT = '/reg-bench';

/** ZooKeeper `setData` on pre-created znodes (one session, requests pipelined). */
async function zkTarget(endpoint: string, keys: readonly string[], value: Uint8Array): Promise<PutTarget> {
  const [host, port] = endpoint.split(':');
  const session = await ZkSession.open(host!, Number(port));
  const rootCode = await session.create(ZK_ROOT, new Uint8Array(0));
  if (rootCode !== 0 && rootCode !== ZK_NODE_EXISTS)
    throw new BenchError('BENCH_REQUEST_FAILED', `zookeeper create ${ZK_ROOT}: error ${rootCode}`);
  // Create the key space up front (not timed), 256 requests in flight.
  let next = 0;
  const creator = async () => {
    while (next < keys.length) {
      const code = await session.create(`${ZK_ROOT}/${keys[next++]}`, value);
      if (code !== 0 && code !== ZK_NODE_EXISTS)
        throw new BenchError('BENCH_REQUEST_FAILED', `zookeeper create: error ${code}`);
    }
  };
  await Promise.all(Array.from({ length: 256 }, creator));
  return {
    put: (key, data) => session.setData(`${ZK_ROOT}/${key}`, data),
    close: () => session.close(),
  };
}

export async function openTarget(
  kind: TargetKind,
  endpoint: string,
  sockets: number,
  keys: readonly string[],
  value: Uint8Array,
): Promise<PutTarget> {
  if (kind === 'kv') return kvTarget(endpoint, sockets);
  if (kind === 'etcd') return etcdTarget(endpoint, sockets);
  return zkTarget(endpoint, keys, value);
}
