import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LevelLogStorage } from '../src/level-log-storage.js';
import { LevelStorage } from '../src/level-storage.js';
import { buildChildren } from './build-child.js';
import { applyOp, type CrashOp, type ModelLog, matches, modelOf, prng } from './crash-model.js';
import { tempDir } from './tmp.js';

const KILLS = Number(process.env.CRASH_KILLS ?? 55);
const STORE_KILLS = Number(process.env.CRASH_STORE_KILLS ?? 20);
let out = '';

/** Transpiles src/ and the children to plain JS; returns the log child's script. */
async function buildChild(): Promise<string> {
  out = await buildChildren('crash-child', [
    'test/crash-child.ts',
    'test/crash-store-child.ts',
    'test/crash-model.ts',
  ]);
  return join(out, 'test', 'crash-child.js');
}

/** Runs a child until ready, lets it work `delayMs`, SIGKILLs it; resolves its complete stdout lines. */
function killAfter(
  script: string,
  location: string,
  seed: number,
  delayMs: number,
): Promise<{ lines: string[]; stderr: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [script, location, String(seed)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buf = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      buf += chunk;
      if (timer === undefined && buf.startsWith('R\n'))
        timer = setTimeout(() => proc.kill('SIGKILL'), delayMs);
    });
    proc.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    proc.on('error', reject);
    proc.on('close', (_code, signal) => {
      clearTimeout(timer);
      clearTimeout(guard);
      resolve({ lines: buf.split('\n').slice(0, -1), stderr, signal });
    });
  });
}

interface Run {
  readonly issued: CrashOp[];
  readonly acked: number;
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs the child until it is ready, lets it work `delayMs`, then SIGKILLs it. */
function runChild(child: string, location: string, seed: number, delayMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, location, String(seed)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buf = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      buf += chunk;
      if (timer === undefined && buf.startsWith('R\n'))
        timer = setTimeout(() => proc.kill('SIGKILL'), delayMs);
    });
    proc.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(guard);
      const issued: CrashOp[] = [];
      let acked = 0;
      // Only complete lines count: the kill may cut the last one.
      for (const line of buf.split('\n').slice(0, -1)) {
        if (line.startsWith('I ')) {
          const [, n, json] = /^I (\d+) (.*)$/.exec(line) ?? [];
          if (Number(n) !== issued.length + 1)
            return reject(new Error(`child skipped a sequence number: ${line}`));
          issued.push(JSON.parse(json as string) as CrashOp);
        } else if (line.startsWith('A ')) {
          const n = Number(line.slice(2));
          // Writes are durable in call order, so acks arrive in order.
          if (n !== acked + 1) return reject(new Error(`ack ${n} out of order after ${acked}`));
          acked = n;
        }
      }
      resolve({ issued, acked, signal, code, stderr });
    });
  });
}

describe('LevelLogStorage crash safety (SIGKILL)', () => {
  let child = '';
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    child = await buildChild();
    dir = await tempDir('raft-crash');
  });
  afterAll(async () => {
    await dir?.remove();
  });

  it(`${KILLS} random kills: every acknowledged write survives and the log is a valid prefix`, async () => {
    const seed = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`crash test seed=${seed} (replay the same workload and kill delays with SEED=${seed})`);
    const rand = prng(seed);
    const location = join(dir.path, 'log');
    let model: ModelLog = {
      snapIndex: 0,
      snapTerm: 0,
      terms: [],
      hardState: { term: 0, vote: 0, commit: 0 },
    };
    let killedMidFlight = 0;
    let totalAcked = 0;
    try {
      for (let round = 0; round < KILLS; round++) {
        const delay = 5 + Math.floor(rand() * 150);
        const run = await runChild(child, location, seed + round, delay);
        expect({ round, stderr: run.stderr, code: run.code, signal: run.signal }).toEqual({
          round,
          stderr: '',
          code: null,
          signal: 'SIGKILL',
        });
        if (run.issued.length > run.acked) killedMidFlight++;
        totalAcked += run.acked;
        const store = new LevelLogStorage({ location });
        const state = await store.load();
        await store.close();
        // The state must be the model after all acknowledged ops plus some prefix of the rest.
        let m = model;
        for (let i = 0; i < run.acked; i++) m = applyOp(m, run.issued[i] as CrashOp);
        let found = matches(m, state) ? run.acked : -1;
        for (let k = run.acked; found < 0 && k < run.issued.length; k++) {
          m = applyOp(m, run.issued[k] as CrashOp);
          if (matches(m, state)) found = k + 1;
        }
        expect({ round, found: found >= 0, acked: run.acked, issued: run.issued.length }).toEqual({
          round,
          found: true,
          acked: run.acked,
          issued: run.issued.length,
        });
        model = modelOf(state);
      }
    } catch (err) {
      console.error(`crash test failed; replay with SEED=${seed}`);
      throw err;
    }
    console.log(
      `crash test: ${KILLS} kills, ${killedMidFlight} with writes in flight, ${totalAcked} acknowledged ops`,
    );
    expect(totalAcked > KILLS).toBe(true);
    expect(killedMidFlight > KILLS / 2).toBe(true);
  }, 85_000);

  it(`LevelStorage: ${STORE_KILLS} random kills never split a config write from its history row`, async () => {
    const seed = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`store crash test seed=${seed} (replay with SEED=${seed})`);
    const rand = prng(seed);
    const location = join(dir.path, 'store');
    const script = join(out, 'test', 'crash-store-child.js');
    const acked = new Map<string, number>();
    let total = 0;
    try {
      for (let round = 0; round < STORE_KILLS; round++) {
        const run = await killAfter(script, location, seed + round, 5 + Math.floor(rand() * 120));
        expect({ round, stderr: run.stderr, signal: run.signal }).toEqual({
          round,
          stderr: '',
          signal: 'SIGKILL',
        });
        for (const line of run.lines) {
          const [tag, key, v] = line.split(' ');
          if (tag === 'A') {
            acked.set(key as string, Math.max(acked.get(key as string) ?? 0, Number(v)));
            total++;
          }
        }
        const store = new LevelStorage({ location });
        await store.open();
        try {
          for (let i = 0; i < 8; i++) {
            const key = { dataId: `key-${i}`, group: 'g', tenant: '' };
            const c = await store.configs.get(key);
            const version = c === undefined ? 0 : Number(c.content.split(':')[0]?.slice(1));
            const history = await store.history.list(key, { pageNo: 1, pageSize: 1 });
            // Version n was reached by n publishes, each with exactly one history row.
            expect({ round, key: key.dataId, rows: history.totalCount }).toEqual({
              round,
              key: key.dataId,
              rows: version,
            });
            // Every acknowledged publish survived.
            expect(version >= (acked.get(key.dataId) ?? 0)).toBe(true);
            if (version > 0) expect(history.pageItems[0]?.opType).toBe(version === 1 ? 'I' : 'U');
          }
        } finally {
          await store.close();
        }
      }
    } catch (err) {
      console.error(`store crash test failed; replay with SEED=${seed}`);
      throw err;
    }
    expect(total > STORE_KILLS).toBe(true);
  }, 60_000);
});
