import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CLUSTER_SECRET_ENV,
  freeMemberPort,
  type RunningProcess,
  runRegistry,
  stop,
  waitForOk,
} from './registry-process.js';

/**
 * Raft membership follows cluster.conf at runtime: three member processes, then a fourth that
 * joins as a learner and becomes a voter without anyone restarting, then one removed.
 */
const root = mkdtempSync(join(tmpdir(), 'reg-raft-membership-'));
const members: Member[] = [];

interface Member {
  readonly port: number;
  readonly home: string;
  proc?: RunningProcess;
}

interface RaftView {
  readonly role: string;
  readonly raftGroupMember: readonly string[];
  readonly leaderMember: string | null;
}

afterAll(async () => {
  await Promise.all(members.map((m) => stop(m.proc)));
  rmSync(root, { recursive: true, force: true });
});

const address = (m: Member) => `127.0.0.1:${m.port}`;
const raftEndpoint = (m: Member) => `127.0.0.1:${m.port - 1000}`;
const url = (m: Member, path: string) => `http://127.0.0.1:${m.port}/nacos${path}`;

function writeConf(member: Member, listed: readonly Member[]): void {
  mkdirSync(join(member.home, 'conf'), { recursive: true });
  writeFileSync(join(member.home, 'conf', 'cluster.conf'), `${listed.map(address).join('\n')}\n`);
}

function start(member: Member): RunningProcess {
  member.proc = runRegistry(['-m', 'cluster', '--home', member.home, '--port', String(member.port)], {
    ...CLUSTER_SECRET_ENV,
    REG_TEST_MODULES: 'kv',
    REG_MEMBER_REPORT_INTERVAL_MS: '200',
    REG_RAFT_ELECTION_TIMEOUT_MS: '300',
    REG_CP_TIMEOUT_MS: '3000',
  });
  return member.proc;
}

async function raftView(member: Member): Promise<RaftView | undefined> {
  try {
    const res = await fetch(url(member, '/v1/core/cluster/self'), { signal: AbortSignal.timeout(2_000) });
    const body = (await res.json()) as {
      data: { extendInfo: { raftMetaData?: { metaDataMap: { reg_cp: RaftView } } } };
    };
    return body.data.extendInfo.raftMetaData?.metaDataMap.reg_cp;
  } catch {
    return undefined;
  }
}

async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

async function leaderOf(among: readonly Member[]): Promise<Member> {
  const views = await eventually(
    () => Promise.all(among.map(raftView)),
    (vs) => vs.filter((v) => v?.role === 'LEADER').length === 1,
  );
  const leader = among[views.findIndex((v) => v?.role === 'LEADER')];
  if (leader === undefined) throw new Error(`no single leader: ${JSON.stringify(views)}`);
  return leader;
}

async function put(member: Member, key: string, value: string): Promise<number> {
  const res = await fetch(url(member, `/v1/test/kv?key=${key}&value=${value}`), {
    method: 'PUT',
    signal: AbortSignal.timeout(5_000),
  });
  return res.status;
}

async function get(member: Member, key: string, consistent: boolean): Promise<string | undefined> {
  const res = await fetch(url(member, `/v1/test/kv?key=${key}${consistent ? '&consistent=true' : ''}`), {
    signal: AbortSignal.timeout(5_000),
  });
  if (res.status !== 200) return undefined;
  return ((await res.json()) as { value: string }).value;
}

const sorted = (xs: readonly string[]) => [...xs].sort();

describe('Raft membership from cluster.conf', () => {
  it('adds a fourth member as a voter without restarts, then removes one, writes continuing', async () => {
    for (let i = 0; i < 4; i++) members.push({ port: await freeMemberPort(), home: join(root, `m${i}`) });
    const [a, b, c, d] = members as [Member, Member, Member, Member];
    const first = [a, b, c];
    for (const m of first) {
      writeConf(m, first);
      start(m);
    }
    for (const m of first) await waitForOk(url(m, '/v1/console/health/readiness'), m.proc!, 15_000);
    const leader = await leaderOf(first);
    expect(await put(leader, 'before', 'v1')).toBe(200);

    // The new member starts with the full list; then every running member's file gains it.
    writeConf(d, members);
    start(d);
    for (const m of first) writeConf(m, members);
    const four = sorted(members.map(raftEndpoint));
    const grown = await eventually(
      () => Promise.all(members.map(raftView)),
      (vs) => vs.every((v) => v !== undefined && sorted(v.raftGroupMember).join() === four.join()),
      20_000,
    );
    expect(grown.map((v) => sorted(v?.raftGroupMember ?? []))).toEqual(members.map(() => four));
    // Data written before it joined reached it through the log; data written after, too.
    expect(
      await eventually(
        () => get(d, 'before', false),
        (v) => v === 'v1',
      ),
    ).toBe('v1');
    expect(await put(await leaderOf(members), 'after', 'v2')).toBe(200);
    expect(await get(d, 'after', true)).toBe('v2');

    // Remove a member that is not the leader from the others' files (its own must list itself).
    const now = await leaderOf(members);
    const removed = members.find((m) => m !== now && m !== d) as Member;
    const staying = members.filter((m) => m !== removed);
    for (const m of staying) writeConf(m, staying);
    const three = sorted(staying.map(raftEndpoint));
    const shrunk = await eventually(
      () => Promise.all(staying.map(raftView)),
      (vs) => vs.every((v) => v !== undefined && sorted(v.raftGroupMember).join() === three.join()),
      20_000,
    );
    expect(shrunk.map((v) => sorted(v?.raftGroupMember ?? []))).toEqual(staying.map(() => three));
    expect(await put(d, 'removed', 'v3')).toBe(200);
    for (const m of staying) expect(await get(m, 'removed', true)).toBe('v3');
    expect(await get(removed, 'removed', false)).toBeUndefined();

    // The joiner went through the learner stage, as the leaders' logs tell.
    const logs = members.map((m) => m.proc?.stdout() ?? '').join('');
    expect(logs).toMatch(/"change":"add-learner","member":"127\.0\.0\.1:\d+"/);
    expect(logs).toContain(`"change":"add-voter","member":"${address(d)}"`);
    expect(logs).toContain(`"change":"remove","member":"${address(removed)}"`);

    // The configuration comes from the Raft log after a restart, not from the voters the fourth
    // member recorded at its first start (all four).
    writeConf(d, staying);
    d.proc?.child.kill('SIGTERM');
    await d.proc?.exited;
    start(d);
    await waitForOk(url(d, '/v1/console/health/readiness'), d.proc!, 15_000);
    const restarted = await eventually(
      () => raftView(d),
      (v) => v !== undefined && v.leaderMember !== null,
    );
    expect(sorted(restarted?.raftGroupMember ?? [])).toEqual(three);
  }, 90_000);
});
