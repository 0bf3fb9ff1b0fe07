// Config center throughput on the built dist, over real HTTP on loopback, with the load generator
// in the same process (2-core machines: it competes with the server for CPU). Measures publish/s
// and get/s with 64 requests in flight (linearizable gets, and `consistency=stale`), and the
// latency from a publish to the answer of POLLS long polls held on that key. Prints JSON with
// the median of ROUNDS rounds of ROUND_MS each.
//
//   npx turbo run build --filter=@reg/registry && node apps/registry/test/config-center/config-throughput.bench.mjs
//   STORAGE=mysql node apps/registry/test/config-center/config-throughput.bench.mjs   (MariaDB on 127.0.0.1:3306, root)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { pino } from 'pino';
import { loadConfig } from '../../dist/config/load-config.js';
import { configCenterModule } from '../../dist/config-center/config-module.js';
import { startRegistry } from '../../dist/registry.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ROUND_MS = Number(process.env.ROUND_MS ?? 1500);
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 64);
const POLLS = Number(process.env.POLLS ?? 1000);
const STORAGE = process.env.STORAGE ?? 'embedded';

const home = mkdtempSync(join(tmpdir(), 'reg-config-bench-'));
mkdirSync(join(home, 'conf'));
let admin;
const database = `reg_bench_${Date.now().toString(36)}`;
const props = ['reg.config.longpoll.min.hold.ms=0'];
if (STORAGE === 'mysql') {
  admin = await createConnection({ host: '127.0.0.1', user: 'root' });
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  props.push(
    'spring.datasource.platform=mysql',
    'db.num=1',
    `db.url.0=jdbc:mysql://127.0.0.1:3306/${database}?characterEncoding=utf8`,
    'db.user=root',
    'db.password=',
  );
}
writeFileSync(join(home, 'conf', 'application.properties'), `${props.join('\n')}\n`);
const loaded = loadConfig({
  argv: ['-m', 'standalone', '--home', home, '--address', '127.0.0.1', '--ip', '127.0.0.1'],
  env: {},
  appHome: home,
  version: '0.1.0',
  detectIp: () => '127.0.0.1',
});
const registry = await startRegistry({ ...loaded.config, port: 0 }, pino({ level: 'silent' }), {
  modules: [configCenterModule],
});
while (!registry.consensus.hasLeader()) await new Promise((r) => setTimeout(r, 20));
const base = `http://127.0.0.1:${registry.port}/nacos`;
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf8' };

const publish = (dataId, content) =>
  fetch(`${base}/v1/cs/configs`, {
    method: 'POST',
    headers: FORM,
    body: new URLSearchParams({ dataId, group: 'BENCH', content }).toString(),
  }).then(async (r) => {
    await r.text();
    if (r.status !== 200) throw new Error(`publish ${r.status}`);
  });
const get = (dataId, stale) =>
  fetch(`${base}/v1/cs/configs?dataId=${dataId}&group=BENCH${stale ? '&consistency=stale' : ''}`).then(
    async (r) => {
      await r.text();
      if (r.status !== 200) throw new Error(`get ${r.status}`);
    },
  );

/** Requests completed per second with IN_FLIGHT workers for ROUND_MS. */
async function rate(op) {
  let done = 0;
  let seq = 0;
  const until = Date.now() + ROUND_MS;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (Date.now() < until) {
        await op(seq++);
        done++;
      }
    }),
  );
  return Math.round((done * 1000) / (Date.now() - started));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

for (let i = 0; i < 100; i++) await publish(`k${i}`, `value-${i}`);
const publishes = [];
const gets = [];
const staleGets = [];
const notifyP50 = [];
const notifyP99 = [];
for (let round = 0; round < ROUNDS; round++) {
  publishes.push(await rate((n) => publish(`k${n % 100}`, `v${round}-${n}`)));
  gets.push(await rate((n) => get(`k${n % 100}`, false)));
  staleGets.push(await rate((n) => get(`k${n % 100}`, true)));
  // POLLS long polls on one key, then one publish: time from the publish to each answer.
  const key = `poll-${round}`;
  await publish(key, 'before');
  const md5 = (await fetch(`${base}/v1/cs/configs?dataId=${key}&group=BENCH`)).headers.get('content-md5');
  let publishedAt = 0;
  const latencies = [];
  const polls = Array.from({ length: POLLS }, () =>
    fetch(`${base}/v1/cs/configs/listener`, {
      method: 'POST',
      headers: { ...FORM, 'Long-Pulling-Timeout': '30000' },
      body: new URLSearchParams({ 'Listening-Configs': `${key}\u0002BENCH\u0002${md5}\u0001` }).toString(),
    }).then(async (r) => {
      const text = await r.text();
      if (text === '') throw new Error('poll answered empty');
      latencies.push(Date.now() - publishedAt);
    }),
  );
  await new Promise((r) => setTimeout(r, 1500));
  publishedAt = Date.now();
  await publish(key, 'after');
  await Promise.all(polls);
  notifyP50.push(pct(latencies, 50));
  notifyP99.push(pct(latencies, 99));
}

console.log(
  JSON.stringify({
    storage: STORAGE,
    rounds: ROUNDS,
    roundMs: ROUND_MS,
    inFlight: IN_FLIGHT,
    publishPerSec: median(publishes),
    getPerSec: median(gets),
    staleGetPerSec: median(staleGets),
    polls: POLLS,
    notifyP50Ms: median(notifyP50),
    notifyP99Ms: median(notifyP99),
    all: { publishes, gets, staleGets, notifyP50, notifyP99 },
  }),
);
await registry.close();
rmSync(home, { recursive: true, force: true });
if (admin) {
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.end();
}
