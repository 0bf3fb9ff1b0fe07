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

const root = mkdtempSync(join(tmpdir(), 'reg-cluster-'));
const procs: RunningProcess[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => stop(p)));
  rmSync(root, { recursive: true, force: true });
});

interface Node {
  readonly port: number;
  readonly home: string;
  proc?: RunningProcess;
}

async function states(port: number): Promise<Record<string, string>> {
  const res = await fetch(`http://127.0.0.1:${port}/nacos/v1/core/cluster/nodes`);
  const body = (await res.json()) as { data: Array<{ address: string; state: string }> };
  return Object.fromEntries(body.data.map((m) => [m.address, m.state]));
}

/** Polls until `check` passes or 15 s pass; returns the last value seen. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

describe('a 3-member cluster on loopback', () => {
  it('sees every member UP, a killed member DOWN, and applies cluster.conf edits at runtime', async () => {
    const nodes: Node[] = [];
    for (let i = 0; i < 3; i++) nodes.push({ port: await freeMemberPort(), home: join(root, `m${i}`) });
    const conf = nodes.map((n) => `127.0.0.1:${n.port}`).join('\n');
    for (const node of nodes) {
      mkdirSync(join(node.home, 'conf'), { recursive: true });
      writeFileSync(join(node.home, 'conf', 'cluster.conf'), `# three members on one machine\n${conf}\n`);
      node.proc = runRegistry(['-m', 'cluster', '--home', node.home, '--port', String(node.port)], {
        REG_MEMBER_REPORT_INTERVAL_MS: '200',
        ...CLUSTER_SECRET_ENV,
      });
      procs.push(node.proc);
    }
    for (const node of nodes) {
      await waitForOk(
        `http://127.0.0.1:${node.port}/nacos/v1/console/health/liveness`,
        node.proc as RunningProcess,
      );
    }
    const [a, b, c] = nodes as [Node, Node, Node];
    const allUp = await eventually(
      () => states(a.port),
      (s) => Object.values(s).length === 3 && Object.values(s).every((st) => st === 'UP'),
    );
    expect(allUp).toEqual({
      [`127.0.0.1:${a.port}`]: 'UP',
      [`127.0.0.1:${b.port}`]: 'UP',
      [`127.0.0.1:${c.port}`]: 'UP',
    });

    c.proc?.child.kill('SIGKILL');
    await c.proc?.exited;
    const afterKill = await eventually(
      () => states(a.port),
      (s) => s[`127.0.0.1:${c.port}`] === 'DOWN',
    );
    expect(afterKill[`127.0.0.1:${c.port}`]).toBe('DOWN');
    expect(afterKill[`127.0.0.1:${b.port}`]).toBe('UP');

    writeFileSync(join(a.home, 'conf', 'cluster.conf'), `127.0.0.1:${a.port}\n127.0.0.1:${b.port}\n`);
    const afterEdit = await eventually(
      () => states(a.port),
      (s) => Object.keys(s).length === 2,
    );
    expect(Object.keys(afterEdit).sort()).toEqual([`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`].sort());
  });

  it('answers reports from non-members with false and bad bodies with code 400', async () => {
    const port = await freeMemberPort();
    const proc = runRegistry(['-m', 'cluster', '--port', String(port), '--data-dir', join(root, 'solo')], {
      NACOS_MEMBER_LIST: `127.0.0.1:${port}`,
      ...CLUSTER_SECRET_ENV,
    });
    procs.push(proc);
    await waitForOk(`http://127.0.0.1:${port}/nacos/v1/console/health/liveness`, proc);
    const post = async (body: unknown) =>
      (
        await fetch(`http://127.0.0.1:${port}/nacos/v1/core/cluster/report`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).json();
    expect(await post({ ip: '10.9.9.9', port: 8848, state: 'UP', extendInfo: {} })).toMatchObject({
      code: 200,
      data: 'false',
    });
    expect(await post({ nonsense: true })).toEqual({
      code: 400,
      message: 'Node information is illegal',
      data: null,
    });
  });
});
