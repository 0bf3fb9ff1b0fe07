import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseClusterConf } from '../src/cluster-conf.js';
import { HealthReporter } from '../src/health-reporter.js';
import { HttpMemberReporter } from '../src/http-member-reporter.js';
import type { MemberState } from '../src/member.js';
import { MemberTable } from '../src/member-table.js';

const peerScript = fileURLToPath(new URL('./fixtures/report-peer.mjs', import.meta.url));

interface Peer {
  child: ChildProcess;
  port: number;
  reports: string[];
}

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
});

function startPeer(port: number): Promise<Peer> {
  const child = spawn(process.execPath, [peerScript, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const reports: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('peer did not start within 10 s')), 10_000);
    let buffer = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffer += chunk;
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const [word, arg] = line.split(' ');
        if (word === 'listening') {
          clearTimeout(timer);
          resolve({ child, port: Number(arg), reports });
        } else if (word === 'report' && arg !== undefined) {
          reports.push(arg);
        }
        nl = buffer.indexOf('\n');
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`peer exited early (${code})`));
    });
  });
}

/** Resolves when `cond()` holds, checking every 20 ms; rejects after 10 s. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!cond()) throw new Error('condition not met within 10 s');
}

function stopPeer(peer: Peer, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    peer.child.once('exit', () => resolve());
    peer.child.kill(signal);
  });
}

describe('HealthReporter over HTTP against a child process (real timers)', () => {
  it('tracks a peer that freezes, thaws, dies (refused) and restarts on the same port', async () => {
    let peer = await startPeer(0);
    const parsed = parseClusterConf(`127.0.0.1:1001\n127.0.0.1:${peer.port}`);
    if (!parsed.ok) throw parsed.error;
    const [self, target] = parsed.members as [
      (typeof parsed.members)[0] & object,
      (typeof parsed.members)[0] & object,
    ];
    const table = new MemberTable({ self, members: parsed.members, failAccessCnt: 2 });
    const health = new HealthReporter({
      table,
      reporter: new HttpMemberReporter(),
      intervalMs: 100,
      // Generous: the machine is shared, and a slow answer from a live peer must not look like a freeze.
      timeoutMs: 1000,
      mode: 'all',
    });
    cleanups.push(() => health.stop());
    const transitions: string[] = [];
    const downCounts: number[] = [];
    table.on('stateChange', (e) => {
      transitions.push(`${e.from}->${e.to}`);
      if (e.to === 'DOWN') downCounts.push(e.member.failAccessCnt);
    });
    const reached = (state: MemberState) =>
      new Promise<void>((resolve, reject) => {
        if (table.get(target.address)?.state === state) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`${target.address} not ${state} within 15 s: ${transitions.join(', ')}`)),
          15_000,
        );
        const off = table.on('stateChange', (e) => {
          if (e.member.address === target.address && e.to === state) {
            clearTimeout(timer);
            off();
            resolve();
          }
        });
      });

    health.start();
    await reached('UP');
    // The peer's stdout and its HTTP answer travel on different pipes: wait for the line.
    await until(() => peer.reports.length > 0);
    expect(peer.reports[0]).toBe('127.0.0.1:1001');

    // Frozen: the kernel still accepts the connection but nobody answers → timeouts.
    peer.child.kill('SIGSTOP');
    await reached('DOWN');
    expect(table.get(target.address)?.failAccessCnt).toBeGreaterThan(2);
    peer.child.kill('SIGCONT');
    await reached('UP');
    expect(table.get(target.address)?.failAccessCnt).toBe(0);

    // Dead: the port is closed, the connection is refused → DOWN on the first refused connect,
    // before the fail count alone (3 > failAccessCnt 2) could get there.
    await stopPeer(peer, 'SIGTERM');
    await reached('DOWN');
    expect(downCounts).toHaveLength(2);
    expect(downCounts[0]).toBe(3);
    expect(downCounts[1]).toBeLessThanOrEqual(2);

    peer = await startPeer(target.port);
    await reached('UP');
    expect(transitions.slice(0, 4)).toEqual([
      'STARTING->UP',
      'UP->SUSPICIOUS',
      'SUSPICIOUS->DOWN',
      'DOWN->UP',
    ]);
    expect(transitions.at(-1)).toBe('DOWN->UP');
    await until(() => peer.reports.length > 0);
  }, 40_000);

  it('rejects a non-2xx answer as a failed report', async () => {
    const peer = await startPeer(0);
    const parsed = parseClusterConf(`127.0.0.1:1001\n127.0.0.1:${peer.port}`);
    if (!parsed.ok) throw parsed.error;
    const table = new MemberTable({ self: parsed.members[0]!, members: parsed.members });
    const target = table.get(`127.0.0.1:${peer.port}`)!;
    const reporter = new HttpMemberReporter({ contextPath: '/other' });
    await expect(
      reporter.report(target, table.toNacosJson('127.0.0.1:1001'), new AbortController().signal),
    ).rejects.toMatchObject({
      code: 'MEMBERSHIP_REPORT_FAILED',
      message: expect.stringContaining('HTTP 404'),
    });
    expect(() => new HttpMemberReporter({ contextPath: 'nacos/' })).toThrow(
      expect.objectContaining({ code: 'MEMBERSHIP_INVALID_OPTION' }),
    );
  });
});
