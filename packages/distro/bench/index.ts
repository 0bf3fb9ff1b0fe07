/**
 * Distro benchmarks. Run: `npm run bench -w @reg/distro` (builds into node_modules/.cache).
 *
 * 1. writes/s through a 3-member in-process cluster (writes issued round-robin at all members,
 *    so two thirds are forwarded; 64 in flight; real timers, default 1 s sync window).
 * 2. bytes synced per change: the same 10,000 changes with and without merging in the window.
 * 3. time to converge after a heal with 100,000 keys changed on one side of a partition.
 */
import { Distro } from '../src/distro.js';
import { SimCluster } from '../src/testing/sim-cluster.js';
import { SimMemberView } from '../src/testing/sim-member-view.js';
import { buildChecksum, buildDigest, VERIFY_BUCKETS } from '../src/verify.js';
import { DirectNetwork } from './direct-network.js';

const RUNS = Number(process.env.RUNS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

async function writesPerSecond(): Promise<number> {
  const ids = ['m1', 'm2', 'm3'];
  const net = new DirectNetwork();
  const nodes = ids.map((id) => {
    const d = new Distro<string>({ members: new SimMemberView(id, ids), network: net.endpoint(id) });
    net.add(id, d as Distro<unknown, unknown>);
    return d;
  });
  await Promise.all(nodes.map((d) => d.start()));
  const total = 30_000;
  let next = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      await (nodes[i % 3] as Distro<string>).put(
        `public##DEFAULT_GROUP@@svc-${i % 5000}`,
        `10.0.${i % 250}.1:8080`,
      );
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  const secs = (performance.now() - t0) / 1000;
  for (const d of nodes) d.stop();
  return total / secs;
}

async function bytesPerChange(syncDelayMs: number): Promise<number> {
  let bytes = 0;
  let changes = 0;
  const c = new SimCluster<string>({
    ids: ['m1', 'm2', 'm3'],
    seed: 1,
    distro: {
      syncDelayMs,
      verifyIntervalMs: 600_000,
      tombstoneTtlMs: 1_200_000,
      metrics: { syncBatch: (_t, _k, b) => (bytes += b) },
    },
  });
  await c.start();
  const m1 = c.member('m1').distro;
  const keys = Array.from({ length: 3000 }, (_, i) => `public##DEFAULT_GROUP@@svc-${i}`)
    .filter((k) => m1.isResponsible(k))
    .slice(0, 500);
  // 10 rounds over 500 keys (below the 1000-key batch bound), 10 ms apart: a 1 s window merges them; 0 ms sends each round.
  for (let round = 0; round < 10; round++) {
    for (const k of keys) {
      await m1.put(k, JSON.stringify({ ip: '10.0.0.1', port: 8080 + round, weight: 1, healthy: true }));
      changes++;
    }
    await c.run(10);
  }
  await c.run(2000);
  c.stop();
  return bytes / changes;
}

async function convergeAfterHeal(): Promise<{
  wallMs: number;
  virtualMs: number;
  digestBytes: number;
  digestMs: number;
  fullBytes: number;
}> {
  const c = new SimCluster<string>({
    ids: ['m1', 'm2', 'm3'],
    seed: 7,
    distro: { syncDelayMs: 1000, verifyIntervalMs: 5000 },
  });
  await c.start();
  c.partition([['m1', 'm2'], ['m3']]);
  const m1 = c.member('m1').distro;
  const m2 = c.member('m2').distro;
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const k = `public##DEFAULT_GROUP@@svc-${i}`;
    // Write at the side's owner directly: the bench measures the heal, not 100k forwards.
    const d = m1.isResponsible(k) ? m1 : m2;
    void d.put(k, `10.1.${i % 250}.${i % 200}:8080`);
  }
  await c.run(3000);
  const m3 = c.member('m3');
  if (m3.store.size !== 0) throw new Error('partition leaked');
  const t0 = performance.now();
  const v0 = c.scheduler.now();
  c.heal();
  const ref = c.member('m1').store;
  while (m3.store.size < n || c.member('m2').store.size < n) await c.run(50);
  await c.runUntil(() => c.converged(), 60_000, 'convergence');
  const wallMs = performance.now() - t0;
  const virtualMs = c.scheduler.now() - v0;
  if (ref.size !== n) throw new Error('lost keys');
  // Steady-state verification traffic per round and peer: the digest sent now versus listing
  // every owned key with its version (what Nacos sends).
  const members = c.member('m1').view.healthyMembers();
  const expiry = c.scheduler.now() - 300_000;
  const t1 = performance.now();
  const digestBytes = JSON.stringify(buildDigest(ref, members, 'm1', expiry).digest).length;
  const digestMs = performance.now() - t1;
  const allBuckets = Array.from({ length: VERIFY_BUCKETS }, (_, i) => i);
  const fullBytes = JSON.stringify(buildChecksum(ref, members, 'm1', expiry, allBuckets)).length;
  c.stop();
  return { wallMs, virtualMs, digestBytes, fullBytes, digestMs };
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${RUNS} runs, medians`);
  const wps: number[] = [];
  for (let i = 0; i < RUNS; i++) wps.push(await writesPerSecond());
  console.log(`writes/s, 3 members, 2/3 forwarded:        ${median(wps).toFixed(0)}`);
  const merged: number[] = [];
  const unmerged: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    merged.push(await bytesPerChange(1000));
    unmerged.push(await bytesPerChange(0));
  }
  console.log(`sync bytes per change, 1 s window:         ${median(merged).toFixed(1)}`);
  console.log(`sync bytes per change, no window (0 ms):   ${median(unmerged).toFixed(1)}`);
  const heal: number[] = [];
  const virt: number[] = [];
  let sizes = { digestBytes: 0, fullBytes: 0 };
  const digestMs: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const r = await convergeAfterHeal();
    heal.push(r.wallMs);
    virt.push(r.virtualMs);
    sizes = r;
    digestMs.push(r.digestMs);
  }
  console.log(`converge after heal, 100k keys (wall ms):   ${median(heal).toFixed(0)}`);
  console.log(`converge after heal, 100k keys (virtual ms): ${median(virt).toFixed(0)}`);
  console.log(
    `verify bytes per round and peer, 100k keys: digest ${sizes.digestBytes}, full list ${sizes.fullBytes}`,
  );
  console.log(`verify digest scan, 100k keys (ms):          ${median(digestMs).toFixed(0)}`);
}

await main();
