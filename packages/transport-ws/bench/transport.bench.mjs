// Two processes, 256-byte frames: pipelined one-way messages/s and request/response RTT p50/p99
// for @reg/transport-ws, next to a bare ws + msgpackr baseline in the same run.
// Usage: npm run bench -w @reg/transport-ws   (ROUNDS=5 MESSAGES=100000 RTTS=3000 to tune)
import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Packr, Unpackr } from 'msgpackr';
import WebSocket from 'ws';
import { WsTransport } from '../dist/index.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const MESSAGES = Number(process.env.MESSAGES ?? 100_000);
const RTTS = Number(process.env.RTTS ?? 3000);
const BATCH = 1000;
const SECRET = 'bench-cluster-secret-0123456789';
const payload = new Uint8Array(240).fill(7); // 240 payload bytes + envelope = a 256-byte frame

const child = fork(fileURLToPath(new URL('./bench-peer.mjs', import.meta.url)), [SECRET]);
const ports = await new Promise((r) => child.once('message', r));

const tick = () => new Promise((r) => setImmediate(r));

// --- @reg/transport-ws -----------------------------------------------------------------
const a = new WsTransport({
  id: 'a',
  secret: SECRET,
  port: 0,
  peers: [{ id: 'b', host: '127.0.0.1', port: ports.reg }],
});
await a.listen();
while (!a.isConnected('b')) await new Promise((r) => setTimeout(r, 10));
const frameBytes = (() => {
  const before = a.metrics().bytesOut;
  a.send('b', 'bench', payload);
  return a.metrics().bytesOut - before;
})();
await a.request('b', 'done', null);

async function regThroughput() {
  const start = performance.now();
  for (let i = 0; i < MESSAGES; ) {
    for (let j = 0; j < BATCH && i < MESSAGES; j++) {
      if (a.send('b', 'bench', payload)) i++;
      else break; // queue full: let it drain
    }
    await tick();
  }
  const got = await a.request('b', 'done', null, { timeoutMs: 60_000 });
  const secs = (performance.now() - start) / 1000;
  if (got !== MESSAGES) throw new Error(`reg: server counted ${got} of ${MESSAGES}`);
  return MESSAGES / secs;
}

async function regRtt() {
  const lat = [];
  for (let i = 0; i < RTTS; i++) {
    const t0 = performance.now();
    await a.request('b', 'echo', payload);
    lat.push(performance.now() - t0);
  }
  return percentiles(lat);
}

// --- baseline: bare ws + msgpackr -------------------------------------------------------
const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
const ws = new WebSocket(`ws://127.0.0.1:${ports.base}`, { perMessageDeflate: false });
await new Promise((r) => ws.once('open', r));
let nextId = 0;
const waiting = new Map();
ws.on('message', (data) => {
  const [, , id, body] = unpackr.unpack(data);
  waiting.get(id)?.(body);
  waiting.delete(id);
});
const baseRequest = (channel, body) =>
  new Promise((resolve) => {
    const id = ++nextId;
    waiting.set(id, resolve);
    ws.send(packr.pack([2, channel, id, body]));
  });

async function baseThroughput() {
  const start = performance.now();
  for (let i = 0; i < MESSAGES; ) {
    for (let j = 0; j < BATCH && i < MESSAGES; j++, i++) ws.send(packr.pack([1, 'bench', 0, payload]));
    await tick();
  }
  const got = await baseRequest('done', null);
  const secs = (performance.now() - start) / 1000;
  if (got !== MESSAGES) throw new Error(`baseline: server counted ${got} of ${MESSAGES}`);
  return MESSAGES / secs;
}

async function baseRtt() {
  const lat = [];
  for (let i = 0; i < RTTS; i++) {
    const t0 = performance.now();
    await baseRequest('echo', payload);
    lat.push(performance.now() - t0);
  }
  return percentiles(lat);
}

function percentiles(xs) {
  const s = [...xs].sort((x, y) => x - y);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p99: at(0.99) };
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

// Warm both paths, then alternate so drift on a shared machine hits both alike.
await regThroughput();
await baseThroughput();
await regRtt();
await baseRtt();
const r = { regTput: [], baseTput: [], regP50: [], regP99: [], baseP50: [], baseP99: [] };
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? ['reg', 'base'] : ['base', 'reg'];
  for (const who of order) {
    if (who === 'reg') {
      r.regTput.push(await regThroughput());
      const l = await regRtt();
      r.regP50.push(l.p50);
      r.regP99.push(l.p99);
    } else {
      r.baseTput.push(await baseThroughput());
      const l = await baseRtt();
      r.baseP50.push(l.p50);
      r.baseP99.push(l.p99);
    }
  }
}
const out = {
  machine: `${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, node ${process.version}`,
  frameBytes,
  rounds: ROUNDS,
  messagesPerRound: MESSAGES,
  rttsPerRound: RTTS,
  transport: { msgsPerSec: median(r.regTput), rttP50Ms: median(r.regP50), rttP99Ms: median(r.regP99) },
  baseline: { msgsPerSec: median(r.baseTput), rttP50Ms: median(r.baseP50), rttP99Ms: median(r.baseP99) },
};
out.throughputRatio = out.transport.msgsPerSec / out.baseline.msgsPerSec;
out.p99Ratio = out.transport.rttP99Ms / out.baseline.rttP99Ms;
console.log(JSON.stringify(out, null, 2));
ws.close();
await a.close();
child.send('exit');
