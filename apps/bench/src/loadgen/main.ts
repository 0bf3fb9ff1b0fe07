// The load generator process: `node dist/loadgen/main.js '<LoadSpec JSON>'`. It runs one closed
// loop per in-flight level against one endpoint and prints one JSON line per level. It is a
// separate process so that its CPU does not share an event loop with the harness, and it is the
// same process and code for every server compared.
import { keySpace, runPhase } from './closed-loop.js';
import type { LoadSpec } from './load-spec.js';
import { openTarget } from './targets.js';

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;
  // The parent holds our stdin: when it goes away, so do we.
  process.stdin.on('end', () => process.exit(3));
  process.stdin.resume();
  const keys = keySpace(spec.keySpace);
  const value = new Uint8Array(spec.valueSize).fill(0x76);
  const maxIn = Math.max(...spec.inFlight);
  const target = await openTarget(spec.target, spec.endpoint, maxIn, keys, value);
  try {
    for (const inFlight of spec.inFlight) {
      const common = { target, inFlight, keys, value, serverPids: spec.serverPids, maxOps: spec.maxOps };
      if (spec.warmup > 0) await runPhase({ ...common, seconds: spec.warmup, record: false });
      const result = await runPhase({ ...common, seconds: spec.seconds, record: true });
      process.stdout.write(`${JSON.stringify({ level: result })}\n`);
    }
  } finally {
    await target.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stdout.write(`${JSON.stringify({ error: String((err as Error).message ?? err) })}\n`);
    process.exit(1);
  },
);
