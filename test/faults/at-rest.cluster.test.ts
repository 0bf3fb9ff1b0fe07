import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MemberProcess } from '../cluster/harness/member-process.js';
import type { Nemesis } from './nemesis.js';
import { faultProfile, scenarioTimeoutMs } from './profile.js';
import { runScenario } from './scenario.js';

/**
 * F16: one byte flipped at rest in a stopped member's Raft log or state store. The member must
 * refuse to start (exit non-zero, saying why) or come back serving only correct data; the
 * checks after the scenario re-read every acknowledged write at every member.
 */
const profile = faultProfile();

function largestFile(dir: string): string | undefined {
  let best: { path: string; size: number } | undefined;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isFile() && st.size > 0 && (!best || st.size > best.size)) best = { path, size: st.size };
  }
  return best?.path;
}

/** Flips one byte of `folder`'s largest file at a seeded offset; describes what it did. */
function flipByte(n: Nemesis, member: MemberProcess, folder: string): string {
  const file = largestFile(join(member.home, 'data', folder));
  if (!file) throw new Error(`nothing to corrupt in ${folder} of m${member.index}`);
  const bytes = readFileSync(file);
  const offset = n.rng.int(bytes.length);
  bytes[offset] = (bytes[offset] as number) ^ 0xff;
  writeFileSync(file, bytes);
  const detail = `${folder}/${file.split('/').pop()} byte ${offset} of ${bytes.length}`;
  n.noteFlip(member, detail);
  return detail;
}

/**
 * Starts the corrupted member. If it refuses, it must exit non-zero saying why; the operator's
 * repair is then a restore of the data folder from a backup taken before the flip, after which
 * it must start and catch up. (Starting from an empty folder instead is KF-3.)
 */
async function startCorrupted(
  n: Nemesis,
  member: MemberProcess,
  backup: string,
  outcomes: string[],
): Promise<void> {
  await n.start(member, false);
  member.allowExit();
  const ready = n.cluster.waitReady([member], 40_000).then(
    () => 'ready' as const,
    () => 'not ready' as const,
  );
  const outcome = await Promise.race([ready, member.exited.then(() => 'exited' as const)]);
  if (outcome === 'ready') {
    member.allowExit(false);
    outcomes.push('started and served');
    return;
  }
  const exit = member.exits.at(-1);
  const said = member.readStderr().trim().split('\n').at(-1) ?? '';
  outcomes.push(`refused to start (exit ${exit?.code ?? exit?.signal}): ${said.slice(0, 300)}`);
  expect(outcome, 'a member that neither serves nor exits').toBe('exited');
  expect(exit?.code, 'a refusal is a non-zero exit').not.toBe(0);
  expect(said).toMatch(/damaged|corrupt|checksum/i);
  const data = join(member.home, 'data');
  rmSync(data, { recursive: true, force: true });
  cpSync(backup, data, { recursive: true });
  await n.start(member);
}

describe('corruption at rest', () => {
  for (const folder of ['raft', 'storage'] as const) {
    it(
      `F16 a flipped byte in a follower's ${folder} folder is detected or harmless`,
      async () => {
        const outcomes: string[] = [];
        const report = await runScenario({
          name: `F16 byte flip in ${folder}`,
          label: `f16-${folder}`,
          size: 3,
          profile,
          async faults(n) {
            await n.sleep(profile.durationMs / 2);
            const leader = await n.leader();
            const follower = n.rng.pick(n.cluster.running().filter((m) => m !== leader));
            await n.kill(follower);
            const backup = join(n.cluster.root, `backup-m${follower.index}`);
            cpSync(join(follower.home, 'data'), backup, { recursive: true });
            flipByte(n, follower, folder);
            await startCorrupted(n, follower, backup, outcomes);
            await n.sleep(profile.durationMs / 2);
          },
        });
        console.log(`[faults] F16 ${folder}: ${outcomes.join('; ')}`);
        expect(report.violations, `seed ${report.seed}, logs ${report.folder}`).toEqual([]);
        expect(report.cas.linearizability).toBe('ok');
        expect(outcomes).toHaveLength(1);
      },
      scenarioTimeoutMs(profile),
    );
  }
});
