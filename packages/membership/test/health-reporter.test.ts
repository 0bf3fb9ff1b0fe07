import { afterEach, describe, expect, it } from 'vitest';
import type { MemberAddress } from '../src/address.js';
import { parseClusterConf } from '../src/cluster-conf.js';
import { HealthReporter, isConnectionRefused } from '../src/health-reporter.js';
import { MemberTable } from '../src/member-table.js';
import { FakeTimers } from './helpers/fake-timers.js';
import { MemoryReporter } from './helpers/memory-reporter.js';

function list(text: string): readonly MemberAddress[] {
  const r = parseClusterConf(text);
  if (!r.ok) throw r.error;
  return r.members;
}

const members = list('127.0.0.1:8848\n127.0.0.1:8858\n127.0.0.1:8868');
const A = members[0]!;
const B = '127.0.0.1:8858';
const C = '127.0.0.1:8868';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function setup(opts: { mode?: 'round-robin' | 'all'; failAccessCnt?: number; timeoutMs?: number } = {}) {
  const timers = new FakeTimers();
  const table = new MemberTable({ self: A, members, timers, failAccessCnt: opts.failAccessCnt ?? 3 });
  const reporter = new MemoryReporter();
  const health = new HealthReporter({
    table,
    reporter,
    timers,
    intervalMs: 2000,
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    ...(opts.mode === undefined ? {} : { mode: opts.mode }),
  });
  stops.push(() => health.stop());
  const changes: string[] = [];
  table.on('stateChange', (e) => changes.push(`${e.member.address} ${e.from}->${e.to}`));
  const state = (address: string) => table.get(address)?.state;
  return { timers, table, reporter, health, changes, state };
}

describe('HealthReporter (fake clock)', () => {
  it('reports round-robin to the next peer every interval, sending self JSON', async () => {
    const { timers, reporter, health, state } = setup();
    health.start();
    await timers.advance(1999);
    expect(reporter.calls).toHaveLength(0);
    await timers.advance(1);
    await timers.advance(2000 * 3);
    expect(reporter.calls.map((c) => c.target)).toEqual([B, C, B, C]);
    expect(reporter.calls[0]?.self).toMatchObject({
      ip: '127.0.0.1',
      port: 8848,
      state: 'UP',
      address: A.address,
    });
    expect(state(B)).toBe('UP');
    expect(state(C)).toBe('UP');
  });

  it('reports to every peer each round in mode all', async () => {
    const { timers, reporter, health } = setup({ mode: 'all' });
    health.start();
    await timers.advance(4000);
    expect(reporter.calls.map((c) => c.target)).toEqual([B, C, B, C]);
  });

  it('moves a peer that stops answering through SUSPICIOUS to DOWN, and back UP when it returns', async () => {
    const { timers, reporter, health, changes, table } = setup({ mode: 'all', timeoutMs: 1000 });
    health.start();
    await timers.advance(2000);
    reporter.set(B, 'hang');
    await timers.advance(1000);
    // Rounds start at 4000, 6000, 8000; each report times out 1000 ms later.
    // Failures 1..3 are SUSPICIOUS; the 4th (more than failAccessCnt=3) is DOWN.
    for (let round = 1; round <= 3; round++) {
      await timers.advance(1000);
      expect(table.get(B)).toMatchObject({
        state: round === 1 ? 'UP' : 'SUSPICIOUS',
        failAccessCnt: round - 1,
      });
      await timers.advance(1000);
      expect(table.get(B)).toMatchObject({ state: 'SUSPICIOUS', failAccessCnt: round });
    }
    await timers.advance(2000);
    expect(table.get(B)).toMatchObject({ state: 'DOWN', failAccessCnt: 4 });
    const lastSeen = table.get(B)?.lastRefreshTime;
    expect(lastSeen).toBe(1_700_000_000_000 + 2000);
    reporter.set(B, 'up');
    await timers.advance(1000);
    expect(table.get(B)).toMatchObject({ state: 'UP', failAccessCnt: 0, lastRefreshTime: timers.now() });
    expect(changes.filter((c) => c.startsWith(B))).toEqual([
      `${B} STARTING->UP`,
      `${B} UP->SUSPICIOUS`,
      `${B} SUSPICIOUS->DOWN`,
      `${B} DOWN->UP`,
    ]);
    expect(table.get(C)?.state).toBe('UP');
  });

  it('marks a refused peer DOWN on the first failure; other errors only SUSPICIOUS', async () => {
    const { timers, reporter, health, state } = setup({ mode: 'all' });
    health.start();
    await timers.advance(2000);
    reporter.set(B, 'refuse');
    reporter.set(C, 'error');
    await timers.advance(2000);
    expect(state(B)).toBe('DOWN');
    expect(state(C)).toBe('SUSPICIOUS');
  });

  it('times out a reporter that ignores the abort signal', async () => {
    const { timers, reporter, health, table } = setup({ mode: 'all', timeoutMs: 500 });
    health.start();
    await timers.advance(2000);
    reporter.set(B, 'hang-ignoring-signal');
    await timers.advance(2500);
    expect(table.get(B)).toMatchObject({ state: 'SUSPICIOUS', failAccessCnt: 1 });
  });

  it('keeps at most one report per peer in flight', async () => {
    const { timers, reporter, health, table } = setup({ mode: 'all', timeoutMs: 5000 });
    reporter.set(B, 'hang');
    health.start();
    await timers.advance(4000);
    expect(reporter.calls.filter((c) => c.target === B)).toHaveLength(1);
    await timers.advance(3000);
    // The first report timed out at 7000; the next one starts at 8000.
    expect(table.get(B)?.failAccessCnt).toBe(1);
    await timers.advance(1000);
    expect(reporter.calls.filter((c) => c.target === B)).toHaveLength(2);
  });

  it('follows member list changes and stops cleanly, dropping outcomes in flight', async () => {
    const { timers, reporter, health, table } = setup({ mode: 'all', timeoutMs: 1500 });
    table.update(list(`${A.address}\n${C}`));
    health.start();
    await timers.advance(2000);
    expect(reporter.calls.map((c) => c.target)).toEqual([C]);
    reporter.set(C, 'hang');
    await timers.advance(2000);
    await health.stop();
    expect(table.get(C)).toMatchObject({ state: 'UP', failAccessCnt: 0 });
    expect(timers.pendingCount).toBe(0);
    await expect(health.reportOnce()).rejects.toMatchObject({ code: 'MEMBERSHIP_CLOSED' });
    expect(() => health.start()).toThrow(expect.objectContaining({ code: 'MEMBERSHIP_CLOSED' }));
  });

  it('validates options', () => {
    const table = new MemberTable({ self: A, members });
    const reporter = new MemoryReporter();
    for (const bad of [{ intervalMs: 0 }, { intervalMs: Number.NaN }, { timeoutMs: -1 }]) {
      expect(() => new HealthReporter({ table, reporter, ...bad })).toThrow(
        expect.objectContaining({ code: 'MEMBERSHIP_INVALID_OPTION' }),
      );
    }
    expect(() => new HealthReporter({ table, reporter, mode: 'gossip' as unknown as 'all' })).toThrow(
      expect.objectContaining({ code: 'MEMBERSHIP_INVALID_OPTION' }),
    );
  });
});

describe('isConnectionRefused', () => {
  it('looks through the cause chain', () => {
    const refused = Object.assign(new Error('x'), { code: 'ECONNREFUSED' });
    expect(isConnectionRefused(refused)).toBe(true);
    expect(isConnectionRefused(new Error('wrapped', { cause: refused }))).toBe(true);
    expect(isConnectionRefused({ refused: true })).toBe(true);
    expect(isConnectionRefused(new Error('timeout'))).toBe(false);
    expect(isConnectionRefused(undefined)).toBe(false);
  });
});
