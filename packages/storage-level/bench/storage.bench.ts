/**
 * Storage benchmarks: config writes/reads per adapter, and the Raft log's fsync'd appends at
 * batch sizes 1, 64 and 1024 next to the raw fdatasync rate of the same disk, measured in the
 * same run, and saving / loading a 64 MiB state-machine snapshot through the log. Run:
 * `npm run bench -w @reg/storage-level` (RUNS=5 by default; BENCH_DIR picks the disk, default the OS
 * temp folder; BENCH_ONLY=snapshot runs only the snapshot rows). Prints a Markdown table of medians.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Entry, EntryType } from '@reg/raft';
import { MemoryStorage, type Storage } from '@reg/storage';
import { LevelLogStorage } from '../src/level-log-storage.js';
import { LevelStorage } from '../src/level-storage.js';

const RUNS = Number(process.env.RUNS ?? 5);
const BASE = process.env.BENCH_DIR ?? tmpdir();
const ENTRY_BYTES = 256;
const ONLY = process.env.BENCH_ONLY;
const SNAPSHOT_MB = 64;

interface Result {
  readonly name: string;
  readonly unit: string;
  readonly values: number[];
  readonly mbps?: number[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function tempDir(): Promise<string> {
  return mkdtemp(join(BASE, 'reg-bench-'));
}

/** Raw fdatasync rate: append 256 bytes, fdatasync, repeat, for ~1.5 s. */
async function rawFsync(): Promise<number> {
  const dir = await tempDir();
  const fh = await open(join(dir, 'fsync.bin'), 'w');
  const buf = Buffer.alloc(ENTRY_BYTES, 7);
  try {
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < 1500 && n < 100_000) {
      await fh.write(buf);
      await fh.datasync();
      n++;
    }
    return n / ((performance.now() - start) / 1000);
  } finally {
    await fh.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Sequential appends of `batch` entries each (one call at a time, as the driver does). */
async function logAppends(batch: number, concurrency = 1): Promise<{ entries: number; mb: number }> {
  const dir = await tempDir();
  const log = new LevelLogStorage({ location: join(dir, 'log') });
  await log.load();
  const data = new Uint8Array(ENTRY_BYTES).fill(42);
  let next = 1;
  const make = (): Entry[] => {
    const out: Entry[] = [];
    for (let i = 0; i < batch; i++) out.push({ index: next++, term: 1, type: EntryType.Normal, data });
    return out;
  };
  try {
    const start = performance.now();
    let calls = 0;
    while (performance.now() - start < 1500 && calls < 1_000_000) {
      const wave: Promise<void>[] = [];
      for (let c = 0; c < concurrency; c++) wave.push(log.append({ entries: make() }));
      await Promise.all(wave);
      calls += concurrency;
    }
    const secs = (performance.now() - start) / 1000;
    const entries = (calls * batch) / secs;
    return { entries, mb: (entries * ENTRY_BYTES) / 1e6 };
  } finally {
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Saves a 64 MiB snapshot streamed in 64 KiB pieces (incompressible bytes), then streams it back;
 * MB/s of each (1 MB = 10^6 bytes).
 */
async function snapshotSaveLoad(): Promise<{ save: number; load: number }> {
  const dir = await tempDir();
  const log = new LevelLogStorage({ location: join(dir, 'log') });
  await log.load();
  const piece = randomBytes(64 * 1024);
  const pieces = (SNAPSHOT_MB * 1024 * 1024) / piece.byteLength;
  const bytes = pieces * piece.byteLength;
  async function* source(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < pieces; i++) {
      piece[0] = i & 0xff; // no two pieces alike
      yield piece;
    }
  }
  try {
    let start = performance.now();
    await log.saveSnapshot(
      {
        index: 1,
        term: 1,
        confState: { voters: [1], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false },
      },
      source(),
    );
    const save = bytes / 1e6 / ((performance.now() - start) / 1000);
    start = performance.now();
    const loaded = await log.loadSnapshot();
    let read = 0;
    for await (const c of loaded?.chunks ?? []) read += c.byteLength;
    if (read !== bytes) throw new Error(`read ${read} bytes, saved ${bytes}`);
    return { save, load: bytes / 1e6 / ((performance.now() - start) / 1000) };
  } finally {
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Sequential config publishes, then random reads. */
async function configs(make: (dir: string) => Storage): Promise<{ writes: number; reads: number }> {
  const dir = await tempDir();
  const store = make(join(dir, 'db'));
  await store.open();
  const content = 'x'.repeat(1024);
  try {
    const n = 3000;
    let start = performance.now();
    for (let i = 0; i < n; i++)
      await store.configs.publish({ dataId: `app-${i}.yaml`, group: 'DEFAULT_GROUP', tenant: '', content });
    const writes = n / ((performance.now() - start) / 1000);
    const reads = 20_000;
    start = performance.now();
    for (let i = 0; i < reads; i++) {
      await store.configs.get({ dataId: `app-${(i * 7919) % n}.yaml`, group: 'DEFAULT_GROUP', tenant: '' });
    }
    return { writes, reads: reads / ((performance.now() - start) / 1000) };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const results = new Map<string, Result>();
  const ratios: number[] = [];
  const add = (name: string, unit: string, value: number, mb?: number) => {
    const r = results.get(name) ?? { name, unit, values: [], ...(mb === undefined ? {} : { mbps: [] }) };
    r.values.push(value);
    if (mb !== undefined) r.mbps?.push(mb);
    results.set(name, r);
  };
  for (let run = 1; run <= RUNS; run++) {
    process.stderr.write(`run ${run}/${RUNS}\n`);
    const snap = await snapshotSaveLoad();
    add(`snapshot save, ${SNAPSHOT_MB} MiB in 64 KiB pieces (fsync'd)`, 'MB/s', snap.save);
    add(`snapshot load, ${SNAPSHOT_MB} MiB streamed back (CRC-checked)`, 'MB/s', snap.load);
    if (ONLY === 'snapshot') continue;
    // Raw fsync right before and after batch 1, so their ratio compares the same moment of a
    // shared machine; the ratio is taken per run and its median reported.
    const rawBefore = await rawFsync();
    const one = await logAppends(1);
    const rawAfter = await rawFsync();
    add('raw fdatasync (256 B write + fdatasync)', 'syncs/s', (rawBefore + rawAfter) / 2);
    add('raft log append, batch 1', 'entries/s', one.entries, one.mb);
    ratios.push(one.entries / ((rawBefore + rawAfter) / 2));
    for (const batch of [64, 1024]) {
      const r = await logAppends(batch);
      add(`raft log append, batch ${batch}`, 'entries/s', r.entries, r.mb);
    }
    const g = await logAppends(1, 8);
    add('raft log append, batch 1, 8 concurrent callers (group commit)', 'entries/s', g.entries, g.mb);
    const mem = await configs(() => new MemoryStorage());
    add('config publish, MemoryStorage', 'writes/s', mem.writes);
    add('config get, MemoryStorage', 'reads/s', mem.reads);
    const lvl = await configs((location) => new LevelStorage({ location }));
    add('config publish, LevelStorage', 'writes/s', lvl.writes);
    add('config get, LevelStorage', 'reads/s', lvl.reads);
    const lvlSync = await configs((location) => new LevelStorage({ location, sync: true }));
    add('config publish, LevelStorage sync: true', 'writes/s', lvlSync.writes);
  }
  const cpu = cpus();
  console.log(`Machine: ${cpu.length} x ${cpu[0]?.model ?? 'unknown'}, Node ${process.version}, dir ${BASE}`);
  console.log(
    `Method: npm run bench -w @reg/storage-level (RUNS=${RUNS}); medians; 256-byte entries, 1 KiB configs\n`,
  );
  console.log('| benchmark | median | unit | MB/s | runs |');
  console.log('| --- | ---: | --- | ---: | --- |');
  for (const r of results.values()) {
    const m = median(r.values);
    const mb = r.mbps === undefined ? '' : median(r.mbps).toFixed(1);
    const ratio =
      r.name === 'raft log append, batch 1'
        ? ` (${(median(ratios) * 100).toFixed(0)}% of raw fdatasync; per-run ratios ${ratios.map((x) => `${Math.round(x * 100)}%`).join(', ')})`
        : '';
    console.log(
      `| ${r.name}${ratio} | ${Math.round(m).toLocaleString('en-US')} | ${r.unit} | ${mb} | ${r.values.map((v) => Math.round(v)).join(', ')} |`,
    );
  }
}

await main();
