import { createHash } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClusterMember, startRegistryCluster } from './registry-cluster.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Compact after this many entries (the least allowed): the filler writes compact the log twice. */
const COMPACT_AFTER = 100;
const FILLER_WRITES = Math.round(2.5 * COMPACT_AFTER);
const ADMIN_PASSWORD = 'snapshot-restore-admin-password';
const HOLD_MS = 120_000;
const W = '\u0002';
const L = '\u0001';
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

const PROPERTIES = {
  'reg.cluster.secret': 'snapshot-restore-test-secret-0123',
  'reg.raft.election.timeout.ms': '1000',
  'reg.member.report.interval.ms': '500',
  'reg.cp.timeout.ms': '5000',
  'reg.raft.snapshot.after.entries': String(COMPACT_AFTER),
  'nacos.core.auth.enabled': 'true',
  'reg.auth.admin.password': ADMIN_PASSWORD,
  'reg.config.longpoll.min.hold.ms': '0',
  'reg.config.longpoll.max.hold.ms': String(HOLD_MS),
};

interface Answer {
  readonly status: number;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field
  json(): any;
}

/** A request as the Java/Node SDKs send it, with `accessToken` when given. */
async function call(
  member: ClusterMember,
  method: string,
  path: string,
  options: {
    query?: Record<string, string | number>;
    form?: Record<string, string>;
    headers?: Record<string, string>;
    token?: string;
  } = {},
  timeoutMs = 15_000,
): Promise<Answer> {
  const url = new URL(member.base + path);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, String(v));
  if (options.token !== undefined) url.searchParams.set('accessToken', options.token);
  const headers: Record<string, string> = { 'user-agent': 'Nacos-Java-Client:v1.0.0', ...options.headers };
  let body: string | undefined;
  if (options.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

async function login(member: ClusterMember, username: string, password: string): Promise<Answer> {
  return call(member, 'POST', '/v1/auth/login', { form: { username, password } });
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a member that returns through a Raft snapshot, with the real auth, config and naming modules', () => {
  it('serves the same services, instances, configs, history and users, and wakes its long polls and push', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reg-snap-restore-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const members = await startRegistryCluster(dir, 3, PROPERTIES);
    cleanups.push(async () => {
      await Promise.all(members.map((m) => m.close().catch(() => undefined)));
    });

    // Compaction is on in the shipped module set (every CP module has restored()).
    for (const m of members) {
      const start = m.logs.join('');
      expect(start).toContain('raft log compaction and snapshots on');
      expect(start).not.toContain('raft log compaction off');
    }

    const leader = members.find((m) => m.registry.consensus.status().role === 'leader');
    if (!leader) throw new Error('no leader');
    const outsider = members.find((m) => m !== leader) as ClusterMember;
    const staying = members.filter((m) => m !== outsider);
    const tokenAnswer = await login(leader, 'nacos', ADMIN_PASSWORD);
    expect(tokenAnswer.status).toBe(200);
    const token = tokenAnswer.json().accessToken as string;
    const at = (m: ClusterMember, method: string, path: string, options: Parameters<typeof call>[3] = {}) =>
      call(m, method, path, { ...options, token });

    // Before the cut: a config, a user, a service with one persistent instance.
    const cfg = { dataId: 'watched', group: 'DEFAULT_GROUP' };
    expect((await at(leader, 'POST', '/v1/cs/configs', { form: { ...cfg, content: 'v1' } })).text).toBe(
      'true',
    );
    expect(
      (await at(leader, 'POST', '/v1/auth/users', { form: { username: 'bob', password: 'bob-pw' } })).status,
    ).toBe(200);
    const persistent = (serviceName: string, ip: string) =>
      at(leader, 'POST', '/v1/ns/instance', { query: { serviceName, ip, port: 80, ephemeral: 'false' } });
    expect((await persistent('orders', '10.9.0.1')).text).toBe('ok');
    const before = leader.registry.consensus.status().commitIndex;
    await waitFor(
      'the outsider to apply the first writes',
      () => outsider.registry.consensus.status().appliedIndex >= before,
      10_000,
    );

    // A push subscriber of `orders` at the outsider.
    const pushed: string[][] = [];
    const udp: Socket = createSocket('udp4');
    cleanups.push(() => {
      udp.close();
    });
    udp.on('message', (msg, rinfo) => {
      const packet = JSON.parse((msg[0] === 0x1f ? gunzipSync(msg) : msg).toString());
      const data = JSON.parse(packet.data) as { hosts: { ip: string }[] };
      pushed.push(data.hosts.map((h) => h.ip).sort());
      udp.send(
        JSON.stringify({ type: 'push-ack', lastRefTime: packet.lastRefTime, data: '' }),
        rinfo.port,
        rinfo.address,
      );
    });
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    const subscribe = () =>
      at(outsider, 'GET', '/v1/ns/instance/list', {
        query: { serviceName: 'DEFAULT_GROUP@@orders', clusters: 'DEFAULT', udpPort: udp.address().port },
      });
    expect((await subscribe()).json().hosts.map((h: { ip: string }) => h.ip)).toEqual(['10.9.0.1']);

    // Cut the outsider off: the others stop listing it and the leader removes it from the group.
    for (const m of staying) m.list(staying.map((s) => s.port));
    await waitFor(
      'the leader to drop the outsider from the Raft group',
      async () => {
        const self = (await at(leader, 'GET', '/v1/core/cluster/self')).json();
        return self.data?.extendInfo?.raftMetaData?.metaDataMap?.reg_cp?.raftGroupMember?.length === 2;
      },
      20_000,
    );

    // A poll held at the outsider on v1 of the watched config.
    let polled: Answer | undefined;
    const poll = call(
      outsider,
      'POST',
      '/v1/cs/configs/listener',
      {
        form: { 'Listening-Configs': `${cfg.dataId}${W}${cfg.group}${W}${md5('v1')}${L}` },
        headers: { 'Long-Pulling-Timeout': String(HOLD_MS) },
        token,
      },
      HOLD_MS + 5_000,
    ).then((a) => {
      polled = a;
      return a;
    });
    await waitFor('the poll to be held at the outsider', () => outsider.hub.size === 1, 15_000);

    // Writes while it is away: the watched config twice (history), users, naming, then filler.
    for (const content of ['v2', 'v3']) {
      expect((await at(leader, 'POST', '/v1/cs/configs', { form: { ...cfg, content } })).text).toBe('true');
    }
    expect(
      (await at(leader, 'POST', '/v1/auth/users', { form: { username: 'alice', password: 'alice-pw' } }))
        .status,
    ).toBe(200);
    expect((await at(leader, 'DELETE', '/v1/auth/users', { query: { username: 'bob' } })).status).toBe(200);
    expect((await persistent('orders', '10.9.0.2')).text).toBe('ok');
    expect((await persistent('stock', '10.9.1.1')).text).toBe('ok');
    for (let i = 0; i < FILLER_WRITES; i++) {
      const filler = { dataId: `filler-${i % 5}`, group: 'FILL', content: `c${i}` };
      expect((await at(leader, 'POST', '/v1/cs/configs', { form: filler })).text).toBe('true');
    }
    const last = leader.registry.consensus.status().commitIndex;
    expect(outsider.registry.consensus.status().appliedIndex).toBeLessThan(before + 5);
    expect(polled).toBeUndefined();
    expect(outsider.logs.join('')).not.toContain('restored a snapshot');
    // Keep the push subscription fresh (it expires after two missed polls).
    await subscribe();

    // The stale outsider still knows bob (and caches him for a moment: the restore must drop that).
    expect((await login(outsider, 'bob', 'bob-pw')).status).toBe(200);

    // Listed again: the compacted entries are gone, so it must come back through a snapshot.
    for (const m of staying) m.list(members.map((s) => s.port));
    const rejoined = Date.now();
    await waitFor(
      'the outsider to catch up',
      () => outsider.registry.consensus.status().appliedIndex >= last,
      30_000,
    );
    // Within the 2 s user cache (catching up takes well under it here), so a cached bob would log in.
    expect((await login(outsider, 'bob', 'bob-pw')).status).toBe(403);
    expect(outsider.logs.join('')).toContain('restored a snapshot');

    // The held poll answered with the changed key, without waiting out its hold.
    const answer = await Promise.race([
      poll,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 10_000)),
    ]);
    expect(answer?.text).toBe(`${cfg.dataId}%02${cfg.group}%01\n`);
    expect(Date.now() - rejoined).toBeLessThan(HOLD_MS / 2);
    // A new poll on the old md5 answers at once too.
    const fresh = await at(outsider, 'POST', '/v1/cs/configs/listener', {
      form: { 'Listening-Configs': `${cfg.dataId}${W}${cfg.group}${W}${md5('v1')}${L}` },
      headers: { 'Long-Pulling-Timeout': String(HOLD_MS) },
    });
    expect(fresh.text).toBe(`${cfg.dataId}%02${cfg.group}%01\n`);

    // Push told the subscriber about the instance registered while it was away.
    await waitFor('a push of both orders instances', () => pushed.some((ips) => ips.length === 2), 10_000);
    expect(pushed.find((ips) => ips.length === 2)).toEqual(['10.9.0.1', '10.9.0.2']);

    // Same data everywhere: configs with history, services, persistent instances, users.
    const views = async (m: ClusterMember) => ({
      config: (await at(m, 'GET', '/v1/cs/configs', { query: cfg })).text,
      history: (
        await at(m, 'GET', '/v1/cs/history', {
          query: { search: 'accurate', ...cfg, pageNo: 1, pageSize: 10 },
        })
      ).json(),
      services: (await at(m, 'GET', '/v1/ns/service/list', { query: { pageNo: 1, pageSize: 50 } })).json(),
      orders: (await at(m, 'GET', '/v1/ns/instance/list', { query: { serviceName: 'orders' } }))
        .json()
        .hosts.map((h: { ip: string; ephemeral: boolean }) => `${h.ip}/${h.ephemeral}`)
        .sort(),
      stock: (await at(m, 'GET', '/v1/ns/instance/list', { query: { serviceName: 'stock' } }))
        .json()
        .hosts.map((h: { ip: string }) => h.ip),
      users: (await at(m, 'GET', '/v1/auth/users', { query: { pageNo: 1, pageSize: 50 } }))
        .json()
        .pageItems.map((u: { username: string }) => u.username)
        .sort(),
    });
    const expected = await views(leader);
    expect(expected.config).toBe('v3');
    expect(expected.history.totalCount).toBe(3);
    expect(expected.services.count).toBe(2);
    expect(expected.orders).toEqual(['10.9.0.1/false', '10.9.0.2/false']);
    expect(expected.stock).toEqual(['10.9.1.1']);
    expect(expected.users).toEqual(['alice', 'nacos']);
    for (const m of members) expect(await views(m)).toEqual(expected);

    // Auth at the outsider: the leader's token works (same secret), alice logs in, bob does not.
    expect((await login(outsider, 'alice', 'alice-pw')).status).toBe(200);
    expect((await login(outsider, 'bob', 'bob-pw')).status).toBe(403);
  }, 120_000);
});
