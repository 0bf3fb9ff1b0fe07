import { createServer } from 'node:net';
import { MemberTable } from '@reg/membership';
import { LevelStorage } from '@reg/storage-level';
import { pino } from 'pino';
import { clusterPeers } from '../../src/cluster/cluster-peers.js';
import { Plane } from '../../src/consensus/plane.js';
import { Readiness } from '../../src/http/readiness.js';

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `n` cluster planes in this process, each with its own LevelDB folders under `dir`, talking over
 * real peer transports on loopback. Members are `127.0.0.1:<cluster port + 1000>`; no HTTP. The
 * members share one event loop, so elections get the default 1 s timeout to keep them stable.
 */
export async function openClusterPlanes(
  dir: string,
  n: number,
  electionTimeoutMs = 1_000,
  snapshotAfterEntries?: number,
) {
  const clusterPorts: number[] = [];
  while (clusterPorts.length < n) {
    const port = await freeLoopbackPort();
    if (port + 1000 <= 65535) clusterPorts.push(port);
  }
  const members = clusterPorts.map((p) => ({
    ip: '127.0.0.1',
    port: p + 1000,
    address: `127.0.0.1:${p + 1000}`,
  }));
  const logger = pino({ level: process.env.PLANE_TEST_LOG ?? 'silent' });
  const nodes = await Promise.all(
    members.map(async (self, i) => {
      const storage = new LevelStorage({ location: `${dir}/m${i}/storage`, sync: true });
      await storage.open();
      const table = new MemberTable({ self, members, logger });
      const plane = new Plane({
        dataDir: `${dir}/m${i}`,
        clusterPort: clusterPorts[i] as number,
        storage: { kind: 'embedded', storage },
        settings: {
          cpTimeoutMs: 5_000,
          electionTimeoutMs,
          clusterSecret: 'bench-secret-0123456789',
          ...(snapshotAfterEntries === undefined ? {} : { snapshotAfterEntries }),
        },
        peers: clusterPeers({
          table,
          secret: 'bench-secret-0123456789',
          bindHost: '127.0.0.1',
          clusterPort: clusterPorts[i] as number,
          logger,
        }),
        readiness: new Readiness(),
        logger,
      });
      return { self, storage, table, plane };
    }),
  );
  return {
    nodes,
    async close() {
      for (const node of nodes) {
        await node.plane.close().catch(() => undefined);
        await node.storage.close().catch(() => undefined);
      }
    },
  };
}
