// CP write throughput through the plane, on the built dist: `submit` of a small command
// (validate, msgpack, Raft with the fsync'd LevelDB log, apply into LevelDB kv) with 1 and 64
// in flight, standalone and in a 3-member cluster (in-process, real peer transports on loopback,
// submitted at a follower). Prints JSON with the median of ROUNDS rounds of ROUND_MS each.
//
//   npx turbo run build --filter=@reg/registry && node apps/registry/test/consensus/plane-throughput.bench.mjs
//   STATE_SYNC=false node apps/registry/test/consensus/plane-throughput.bench.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemberTable } from '@reg/membership';
import { LevelStorage } from '@reg/storage-level';
import { pino } from 'pino';
import { clusterPeers } from '../../dist/cluster/cluster-peers.js';
import { Plane } from '../../dist/consensus/plane.js';
import { standalonePeers } from '../../dist/consensus/standalone-peers.js';
import { Readiness } from '../../dist/http/readiness.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ROUND_MS = Number(process.env.ROUND_MS ?? 1500);
// The registry opens embedded storage with sync: true; STATE_SYNC=false shows what the Raft log
// alone costs (the log is the durable record; the state is rebuilt from it).
const STATE_SYNC = process.env.STATE_SYNC !== 'false';
const logger = pino({ level: 'silent' });
const secret = 'bench-secret-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'reg-plane-bench-'));

function kvModule(storage) {
  return {
    name: 'bench',
    validate(c) {
      if (typeof c?.key !== 'string' || typeof c.value !== 'number') throw new Error('bad command');
      return { key: c.key, value: c.value };
    },
    async apply(c, position) {
      const value = new TextEncoder().encode(JSON.stringify({ value: c.value, index: position.index }));
      await storage.kv.batch([{ type: 'put', key: `bench/${c.key}`, value }]);
      return position.index;
    },
  };
}

async function member(at, peers, clusterPort) {
  const storage = new LevelStorage({ location: join(at, 'storage'), sync: STATE_SYNC });
  await storage.open();
  const settings = { cpTimeoutMs: 5000, electionTimeoutMs: 300, clusterSecret: secret };
  const plane = new Plane({
    dataDir: at,
    clusterPort,
    storage: { kind: 'embedded', storage },
    settings,
    peers,
    readiness: new Readiness(),
    logger,
  });
  const writer = plane.consensus.register(kvModule(storage));
  return { storage, plane, writer };
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Keeps `inFlight` submits going for ROUND_MS; returns committed entries per second. */
async function round(writer, inFlight) {
  let done = 0;
  let n = 0;
  const end = Date.now() + ROUND_MS;
  const began = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (Date.now() < end) {
        await writer.submit({ key: `k${n++ % 100}`, value: n });
        done++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  return done / seconds;
}

async function measure(writer) {
  const result = {};
  for (const inFlight of [1, 64]) {
    const runs = [];
    for (let r = 0; r < ROUNDS; r++) runs.push(Math.round(await round(writer, inFlight)));
    const sorted = [...runs].sort((a, b) => a - b);
    result[`inFlight${inFlight}`] = { median: sorted[Math.floor(sorted.length / 2)], runs };
  }
  return result;
}

const out = { node: process.version, roundMs: ROUND_MS, rounds: ROUNDS, stateSync: STATE_SYNC };
try {
  const solo = await member(join(dir, 'solo'), standalonePeers('127.0.0.1:8848'), 7848);
  await solo.plane.start();
  while (!solo.plane.consensus.hasLeader()) await sleep(5);
  out.standalone = await measure(solo.writer);
  await solo.plane.close();
  await solo.storage.close();

  const ports = [];
  while (ports.length < 3) ports.push(await freePort());
  const members = ports.map((p) => ({ ip: '127.0.0.1', port: p + 1000, address: `127.0.0.1:${p + 1000}` }));
  const nodes = await Promise.all(
    members.map((self, i) =>
      member(
        join(dir, `m${i}`),
        clusterPeers({
          table: new MemberTable({ self, members, logger }),
          secret,
          bindHost: '127.0.0.1',
          clusterPort: ports[i],
          logger,
        }),
        ports[i],
      ),
    ),
  );
  await Promise.all(nodes.map((node) => node.plane.start()));
  let follower;
  for (let i = 0; i < 400 && follower === undefined; i++) {
    await sleep(25);
    const led = nodes.some((node) => node.plane.consensus.status().role === 'leader');
    follower = led
      ? nodes.find(
          (node) => node.plane.consensus.status().role === 'follower' && node.plane.consensus.hasLeader(),
        )
      : undefined;
  }
  if (follower === undefined) throw new Error('no leader elected within 10 s');
  out.cluster3AtFollower = await measure(follower.writer);
  for (const node of nodes) {
    await node.plane.close();
    await node.storage.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(out, null, 2));
