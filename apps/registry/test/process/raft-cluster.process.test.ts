import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLUSTER_SECRET_ENV,
  freeMemberPort,
  type RunningProcess,
  runRegistry,
  stop,
  waitForOk,
} from './registry-process.js';

/**
 * Three real member processes on loopback with the test-only kv module (REG_TEST_MODULES=kv):
 * Raft elections, forwarding, failover, catch-up and loss of quorum, and Distro replication.
 */
const root = mkdtempSync(join(tmpdir(), 'reg-raft-cluster-'));
const members: Member[] = [];

interface Member {
  readonly port: number;
  readonly home: string;
  proc?: RunningProcess;
}

interface RaftView {
  readonly role: string;
  readonly term: number;
  readonly leaderMember: string | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
}

const address = (m: Member) => `127.0.0.1:${m.port}`;
const url = (m: Member, path: string) => `http://127.0.0.1:${m.port}/nacos${path}`;

function start(member: Member): RunningProcess {
  member.proc = runRegistry(['-m', 'cluster', '--home', member.home, '--port', String(member.port)], {
    ...CLUSTER_SECRET_ENV,
    REG_TEST_MODULES: 'kv',
    REG_MEMBER_REPORT_INTERVAL_MS: '200',
    REG_RAFT_ELECTION_TIMEOUT_MS: '300',
    REG_CP_TIMEOUT_MS: '2000',
  });
  return member.proc;
}

async function kill(member: Member): Promise<void> {
  member.proc?.child.kill('SIGKILL');
  await member.proc?.exited;
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

/** Polls until `read` gives a value `check` accepts, or `timeoutMs` pass; returns the last value. */
async function eventually<T>(
  read: () => Promise<T>,
  check: (v: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

/** The one leader the given members agree on (same leader, same term), once they do. */
async function agreedLeader(among: readonly Member[], timeoutMs = 10_000): Promise<Member> {
  const views = await eventually(
    () => Promise.all(among.map(raftView)),
    (vs) => {
      const leaders = vs.filter((v) => v?.role === 'LEADER');
      return (
        leaders.length === 1 &&
        vs.every(
          (v) => v !== undefined && v.leaderMember === vs.find((x) => x?.role === 'LEADER')?.leaderMember,
        )
      );
    },
    timeoutMs,
  );
  const leaders = among.filter((_, i) => views[i]?.role === 'LEADER');
  expect(leaders, JSON.stringify(views)).toHaveLength(1);
  expect(new Set(views.map((v) => v?.term)).size).toBe(1);
  expect(views.every((v) => v?.leaderMember === address(leaders[0]!))).toBe(true);
  return leaders[0]!;
}

async function put(member: Member, key: string, value: string): Promise<Response> {
  return fetch(url(member, `/v1/test/kv?key=${key}&value=${value}`), {
    method: 'PUT',
    signal: AbortSignal.timeout(5_000),
  });
}

async function get(member: Member, key: string, consistent: boolean): Promise<string | undefined> {
  const res = await fetch(url(member, `/v1/test/kv?key=${key}${consistent ? '&consistent=true' : ''}`), {
    signal: AbortSignal.timeout(5_000),
  });
  if (res.status === 404) return undefined;
  if (res.status !== 200)
    throw new Error(`GET ${key} at ${address(member)}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { value: string }).value;
}

beforeAll(async () => {
  for (let i = 0; i < 3; i++) members.push({ port: await freeMemberPort(), home: join(root, `m${i}`) });
  const conf = members.map(address).join('\n');
  for (const m of members) {
    mkdirSync(join(m.home, 'conf'), { recursive: true });
    writeFileSync(join(m.home, 'conf', 'cluster.conf'), `${conf}\n`);
    start(m);
  }
  for (const m of members) {
    await waitForOk(url(m, '/v1/console/health/readiness'), m.proc as RunningProcess, 15_000);
  }
}, 30_000);

afterAll(async () => {
  await Promise.all(members.map((m) => stop(m.proc)));
  rmSync(root, { recursive: true, force: true });
});

describe('a 3-member Raft cluster', () => {
  it('elects exactly one leader that every member names', async () => {
    const leader = await agreedLeader(members);
    const nodes = (await (await fetch(url(leader, '/v1/core/cluster/nodes'))).json()) as {
      data: { address: string; extendInfo: { raftPort: string } }[];
    };
    expect(nodes.data.map((n) => n.address).sort()).toEqual(members.map(address).sort());
    expect(nodes.data.every((n) => n.extendInfo.raftPort !== undefined)).toBe(true);

    // Every member's Raft view reaches the others with its health reports.
    const follower = members.find((m) => m !== leader)!;
    const listed = await eventually(
      async () =>
        (
          (await (await fetch(url(follower, '/v1/core/cluster/nodes'))).json()) as {
            data: { address: string; extendInfo: { raftMetaData?: { metaDataMap: { reg_cp: RaftView } } } }[];
          }
        ).data,
      (list) =>
        list.every((n) => n.extendInfo.raftMetaData?.metaDataMap.reg_cp.leaderMember === address(leader)),
    );
    const roles = listed.map((n) => [n.address, n.extendInfo.raftMetaData?.metaDataMap.reg_cp.role]);
    expect(roles.filter(([, role]) => role === 'LEADER')).toEqual([[address(leader), 'LEADER']]);
    expect(roles.filter(([, role]) => role === 'FOLLOWER')).toHaveLength(2);
    const entry = listed.find((n) => n.address === address(leader))?.extendInfo.raftMetaData?.metaDataMap
      .reg_cp as unknown as { leader: string; raftGroupMember: string[] };
    expect(entry.leader).toBe(`127.0.0.1:${leader.port - 1000}`);
    expect(entry.raftGroupMember.sort()).toEqual(members.map((m) => `127.0.0.1:${m.port - 1000}`).sort());
  });

  it('applies a write submitted at a follower on all three members', async () => {
    const leader = await agreedLeader(members);
    const follower = members.find((m) => m !== leader)!;
    const res = await put(follower, 'greeting', 'hello');
    expect(res.status, await res.clone().text()).toBe(200);
    const { index } = (await res.json()) as { index: number };
    expect(index).toBeGreaterThan(0);
    for (const m of members) {
      // A consistent read at any member sees the acknowledged write at once.
      expect(await get(m, 'greeting', true)).toBe('hello');
    }
  });

  it('replicates a Distro value written at one member to the others', async () => {
    const [a, b, c] = members as [Member, Member, Member];
    const res = await fetch(url(a, '/v1/test/ephemeral?key=svc&value=10.0.0.7'), { method: 'PUT' });
    expect(res.status).toBe(200);
    for (const m of [b, c]) {
      const value = await eventually(
        async () => {
          const r = await fetch(url(m, '/v1/test/ephemeral?key=svc'));
          return r.status === 200 ? ((await r.json()) as { value: string }).value : undefined;
        },
        (v) => v !== undefined,
      );
      expect(value).toBe('10.0.0.7');
    }
  });

  it('elects a new leader after the leader is killed, keeps writing, and the restarted member catches up', async () => {
    const oldLeader = await agreedLeader(members);
    const oldTerm = (await raftView(oldLeader))!.term;
    await kill(oldLeader);
    const survivors = members.filter((m) => m !== oldLeader);
    const began = Date.now();
    const newLeader = await agreedLeader(survivors, 8_000);
    expect(Date.now() - began).toBeLessThan(8_000);
    expect((await raftView(newLeader))!.term).toBeGreaterThan(oldTerm);

    const follower = survivors.find((m) => m !== newLeader)!;
    const res = await eventually(
      () => put(follower, 'after-failover', 'yes'),
      (r) => r.status === 200,
      5_000,
    );
    expect(res.status).toBe(200);

    start(oldLeader);
    await waitForOk(url(oldLeader, '/v1/console/health/readiness'), oldLeader.proc as RunningProcess, 15_000);
    expect(await get(oldLeader, 'after-failover', true)).toBe('yes');
    expect(await get(oldLeader, 'greeting', true)).toBe('hello');
    await agreedLeader(members);
  });

  it('hands leadership over on SIGTERM and exits 0 within the shutdown grace', async () => {
    const leader = await agreedLeader(members);
    const began = Date.now();
    leader.proc?.child.kill('SIGTERM');
    expect(await leader.proc?.exited).toBe(0);
    expect(Date.now() - began).toBeLessThan(2_000);
    const log = leader.proc?.stdout() ?? '';
    expect(log).toContain('leadership transfer before stop');
    expect(log).toMatch(/"outcome":"done".*leadership transfer before stop/);
    const survivors = members.filter((m) => m !== leader);
    const next = await agreedLeader(survivors, 5_000);
    expect(next).not.toBe(leader);

    start(leader);
    await waitForOk(url(leader, '/v1/console/health/readiness'), leader.proc as RunningProcess, 15_000);
    await agreedLeader(members);
  });

  it('answers REG_NO_LEADER (503, Nacos text) when two of three members are down', async () => {
    const leader = await agreedLeader(members);
    const survivor = members.find((m) => m !== leader)!;
    await Promise.all(members.filter((m) => m !== survivor).map(kill));
    const res = await eventually(
      () => put(survivor, 'lost', 'quorum'),
      (r) => r.status === 503,
      10_000,
    );
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('server is STARTING now, please try again later');
    // Once its election timer runs out the survivor no longer names a leader: not ready.
    const readiness = await eventually(
      () => fetch(url(survivor, '/v1/console/health/readiness')),
      (r) => r.status === 500,
      5_000,
    );
    expect(readiness.status).toBe(500);
    expect(await readiness.text()).toBe('Raft is not in readiness');
  });
});
