// Micro-benchmarks for @reg/membership, run against the built dist:
//   npm run bench -w @reg/membership
// Each case runs RUNS timed batches of about BATCH_MS and prints the median ops/s.
// No dependency: a plain loop over performance.now(), so the figures are comparable run to run.
import { performance } from 'node:perf_hooks';
import { MemberTable, parseClusterConf } from '../dist/index.js';

const RUNS = Number(process.env.RUNS ?? 7);
const BATCH_MS = Number(process.env.BATCH_MS ?? 300);

function measure(name, fn) {
  // Warm up so the JIT has settled before timing.
  for (let i = 0; i < 2000; i++) fn(i);
  const results = [];
  for (let run = 0; run < RUNS; run++) {
    let ops = 0;
    const start = performance.now();
    let now = start;
    while (now - start < BATCH_MS) {
      for (let i = 0; i < 100; i++) fn(ops + i);
      ops += 100;
      now = performance.now();
    }
    results.push((ops * 1000) / (now - start));
  }
  results.sort((a, b) => a - b);
  const median = results[Math.floor(results.length / 2)];
  console.log(
    `${name.padEnd(46)} ${Math.round(median).toLocaleString('en-US').padStart(12)} ops/s (median of ${RUNS})`,
  );
}

const small = '# three members\n10.0.0.1:8848\n10.0.0.2:8848 # b\n10.0.0.3\n';
const big = Array.from(
  { length: 1000 },
  (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1:${8848 + (i % 10)}`,
).join('\n');

const parsedSmall = parseClusterConf(small);
const parsedBig = parseClusterConf(big);
if (!parsedSmall.ok || !parsedBig.ok) throw new Error('bench input does not parse');

measure('parseClusterConf (3 members)', () => parseClusterConf(small));
measure('parseClusterConf (1000 members)', () => parseClusterConf(big));

const peers = parseClusterConf(Array.from({ length: 100 }, (_, i) => `127.0.0.1:${9000 + i}`).join('\n'));
if (!peers.ok) throw peers.error;
const table = new MemberTable({ self: peers.members[0], members: peers.members, failAccessCnt: 3 });
let changes = 0;
table.on('stateChange', () => changes++);
const addresses = peers.members.slice(1).map((m) => m.address);
measure('MemberTable.recordReport (100 members, mixed)', (i) => {
  const address = addresses[i % addresses.length];
  table.recordReport(address, i % 5 === 0 ? { ok: false, refused: false } : { ok: true });
});
measure('MemberTable.toNacosJsonList (100 members)', () => table.toNacosJsonList());
if (changes === 0) throw new Error('no state changes: the bench did not exercise transitions');
