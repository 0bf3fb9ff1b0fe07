// Long simulation sweeps outside CI: every seed runs 500 steps with all faults, safety checked
// after every step, liveness after healing. Stops at the first failure and prints its replay.
//
//   npm run sweep -w @reg/raft -- 100000          (seeds 1..100000)
//   npm run sweep -w @reg/raft -- 5000 200001     (5000 seeds starting at 200001)
import { runSweepSeed } from '../src/testing/sweep.js';

const count = Number(process.argv[2] ?? 10_000);
const start = Number(process.argv[3] ?? 1);
const steps = Number(process.env.STEPS ?? 500);
if (!Number.isSafeInteger(count) || !Number.isSafeInteger(start) || count < 1) {
  console.error('usage: npm run sweep -w @reg/raft -- <seeds> [firstSeed]');
  process.exit(2);
}
const t0 = Date.now();
let applied = 0;
for (let seed = start; seed < start + count; seed++) {
  try {
    applied += runSweepSeed(seed, {
      steps,
      replay: `SEED=<seed> npx vitest run --project @reg/raft test/sim/sweep.test.ts`,
    }).applied;
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  if ((seed - start + 1) % 1000 === 0) {
    console.log(
      `${seed - start + 1} seeds ok (${Math.round((Date.now() - t0) / 1000)} s, ${applied} entries applied)`,
    );
  }
}
console.log(`all ${count} seeds from ${start} passed: ${steps} steps each, ${applied} entries applied`);
