import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Level } from 'level';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LevelLogStorage } from '../src/level-log-storage.js';
import { SNAPSHOT_CHUNK_BYTES } from '../src/saved-snapshots.js';
import { SNAPSHOT_KEYS } from '../src/snapshot-codec.js';
import { buildChildren } from './build-child.js';
import { prng } from './crash-model.js';
import { snapshotContent, snapshotSize } from './crash-snapshot-model.js';
import { tempDir } from './tmp.js';

const KILLS = Number(process.env.CRASH_SNAPSHOT_KILLS ?? 22);

interface Run {
  /** Milliseconds per byte of the saves that completed while the parent watched. */
  readonly msPerByte: number[];
  readonly started: number[];
  readonly acked: number[];
  readonly compacted: number[];
  readonly stderr: string;
  readonly signal: NodeJS.Signals | null;
}

/**
 * When to kill: `delayMs` after the child is ready, or, aimed at the end of a save (where the switch
 * happens), at `fraction` of the time the save of the `nth` announced snapshot is expected to take.
 */
type Kill =
  | { readonly delayMs: number }
  | { readonly nth: number; readonly fraction: number; readonly msPerByte: number };

/** Runs the child until ready, SIGKILLs it as `kill` says; parses its complete lines. */
function runChild(script: string, args: readonly string[], seed: number, kill: Kill): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    const startedAt = new Map<number, number>();
    const msPerByte: number[] = [];
    let seen = 0;
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      const lines = (buf.slice(buf.lastIndexOf('\n') + 1) + chunk).split('\n').slice(0, -1);
      buf += chunk;
      const now = performance.now();
      for (const line of lines) {
        const [tag, n] = line.split(' ');
        const index = Number(n);
        if (tag === 'S') {
          startedAt.set(index, now);
          seen++;
          if (timer === undefined && 'nth' in kill && seen === kill.nth) {
            const expected = kill.msPerByte * snapshotSize(seed, index);
            timer = setTimeout(() => proc.kill('SIGKILL'), expected * kill.fraction);
          }
        }
        if (tag === 'A') msPerByte.push((now - (startedAt.get(index) ?? now)) / snapshotSize(seed, index));
      }
      if (timer === undefined && 'delayMs' in kill && buf.startsWith('R\n'))
        timer = setTimeout(() => proc.kill('SIGKILL'), kill.delayMs);
    });
    proc.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    proc.on('error', reject);
    proc.on('close', (_code, signal) => {
      clearTimeout(timer);
      clearTimeout(guard);
      const run: Run = { msPerByte, started: [], acked: [], compacted: [], stderr, signal };
      // Only complete lines count: the kill may cut the last one.
      for (const line of buf.split('\n').slice(0, -1)) {
        const [tag, n] = line.split(' ');
        if (tag === 'S') run.started.push(Number(n));
        if (tag === 'A') run.acked.push(Number(n));
        if (tag === 'C') run.compacted.push(Number(n));
      }
      resolve(run);
    });
  });
}

const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function digest(chunks: AsyncIterable<Uint8Array>): Promise<{ bytes: number; sha: string }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const c of chunks) {
    h.update(c);
    bytes += c.byteLength;
  }
  return { bytes, sha: h.digest('hex') };
}

/** The generations that hold chunk keys (read straight from LevelDB). */
async function generations(location: string): Promise<Map<number, number>> {
  const db = new Level<string, Uint8Array>(location, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  try {
    const gens = new Map<number, number>();
    for await (const key of db.keys({ gte: SNAPSHOT_KEYS.chunksStart, lt: SNAPSHOT_KEYS.chunksEnd })) {
      const g = SNAPSHOT_KEYS.genOf(key);
      gens.set(g, (gens.get(g) ?? 0) + 1);
    }
    return gens;
  } finally {
    await db.close();
  }
}

describe('LevelLogStorage saved snapshots under SIGKILL', () => {
  let script = '';
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    const out = await buildChildren('crash-snapshot-child', [
      'test/crash-snapshot-child.ts',
      'test/crash-snapshot-model.ts',
      'test/crash-model.ts',
    ]);
    script = join(out, 'test', 'crash-snapshot-child.js');
    dir = await tempDir('raft-snap-crash');
  });
  afterAll(async () => {
    await dir?.remove();
  });

  it(`${KILLS} kills while saving 10-20 MiB snapshots: the old or the new one is intact, the log agrees`, async () => {
    const seed = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`snapshot crash test seed=${seed} (replay the workload and kill delays with SEED=${seed})`);
    const rand = prng(seed);
    const location = join(dir.path, 'log');
    let saved = 0; // index of the last acknowledged save
    let compactedTo = 0; // last acknowledged compaction
    let midSave = 0;
    const expected = new Map<number, { bytes: number; sha: string }>();
    const msPerByte: number[] = [];
    let newWon = 0;
    try {
      for (let round = 0; round < KILLS; round++) {
        // Even rounds kill at a random moment; odd ones aim at the end of a save, where the
        // switch to the new snapshot and the deletion of the old one happen.
        const kill: Kill =
          round % 2 === 0 || msPerByte.length === 0
            ? { delayMs: 30 + Math.floor(rand() * 450) }
            : { nth: 1, fraction: 0.9 + rand() * 0.2, msPerByte: median(msPerByte) };
        const run = await runChild(script, [location, String(seed), String(seed + round)], seed, kill);
        msPerByte.push(...run.msPerByte);
        expect({ round, stderr: run.stderr, signal: run.signal }).toEqual({
          round,
          stderr: '',
          signal: 'SIGKILL',
        });
        const inFlight = run.started.length > run.acked.length ? run.started.at(-1) : undefined;
        if (inFlight !== undefined) midSave++;
        saved = run.acked.at(-1) ?? saved;
        compactedTo = run.compacted.at(-1) ?? compactedTo;

        const store = new LevelLogStorage({ location });
        try {
          const state = await store.load(); // checks every entry, contiguity and commit
          const loaded = await store.loadSnapshot();
          const index = loaded?.snapshot.index ?? 0;
          // The last acknowledged save, or the one in flight if its switch was written.
          expect({ round, index, ok: index === saved || index === inFlight }).toEqual({
            round,
            index,
            ok: true,
          });
          if (index === inFlight) newWon++;
          saved = index;
          if (loaded !== undefined) {
            expected.set(index, expected.get(index) ?? (await digest(snapshotContent(seed, index))));
            expect(await digest(loaded.chunks)).toEqual(expected.get(index));
          }
          // Compaction follows the save, so the saved snapshot always covers the compaction point.
          const last = state.snapshot.index + state.entries.length;
          expect({ round, compactedTo, point: state.snapshot.index, index, last }).toEqual({
            round,
            compactedTo,
            point:
              state.snapshot.index >= compactedTo && state.snapshot.index <= index
                ? state.snapshot.index
                : -1,
            index,
            last: last >= index ? last : -1,
          });
          compactedTo = state.snapshot.index;
        } finally {
          await store.close();
        }
        // Open deleted every other generation: only the live one's chunks remain.
        const gens = [...(await generations(location)).values()];
        const want = saved === 0 ? [] : [Math.ceil(snapshotSize(seed, saved) / SNAPSHOT_CHUNK_BYTES)];
        expect({ round, chunks: gens }).toEqual({ round, chunks: want });
      }
    } catch (err) {
      console.error(`snapshot crash test failed; replay with SEED=${seed}`);
      throw err;
    }
    console.log(
      `snapshot crash test: ${KILLS} kills, ${midSave} during a save, ${newWon} of those found the new snapshot live, last saved index ${saved}`,
    );
    expect(saved > 0).toBe(true);
    expect(midSave >= KILLS / 3).toBe(true);
  }, 120_000);
});
