import { describe, expect, it } from 'vitest';
import type { MemberAddress } from '../src/address.js';
import { parseClusterConf } from '../src/cluster-conf.js';
import { MembershipError } from '../src/errors.js';
import type { Member } from '../src/member.js';
import { MemberTable, type StateChangeEvent } from '../src/member-table.js';
import { FakeTimers } from './helpers/fake-timers.js';

function list(text: string): readonly MemberAddress[] {
  const r = parseClusterConf(text);
  if (!r.ok) throw r.error;
  return r.members;
}

const three = list('127.0.0.1:8848\n127.0.0.1:8858\n127.0.0.1:8868');
const [A, B, C] = three as [MemberAddress, MemberAddress, MemberAddress];

function setup(failAccessCnt?: number) {
  const timers = new FakeTimers();
  const table = new MemberTable({
    self: A,
    members: three,
    timers,
    ...(failAccessCnt === undefined ? {} : { failAccessCnt }),
  });
  const changes: string[] = [];
  table.on('stateChange', (e: StateChangeEvent) => changes.push(`${e.member.address} ${e.from}->${e.to}`));
  return { timers, table, changes };
}

describe('MemberTable states', () => {
  it('starts with self UP and peers STARTING', () => {
    const { table } = setup();
    expect(table.list().map((m) => [m.address, m.state, m.isSelf])).toEqual([
      ['127.0.0.1:8848', 'UP', true],
      ['127.0.0.1:8858', 'STARTING', false],
      ['127.0.0.1:8868', 'STARTING', false],
    ]);
    expect(table.peers().map((m) => m.address)).toEqual([B.address, C.address]);
    expect(table.healthy().map((m) => m.address)).toEqual([A.address]);
  });

  it('walks UP → SUSPICIOUS ×3 → DOWN → UP, one event per change', () => {
    const { table, changes, timers } = setup();
    expect(table.recordReport(B.address, { ok: true })).toBe(true);
    expect(table.get(B.address)?.lastRefreshTime).toBe(timers.now());
    for (let i = 1; i <= 3; i++) {
      table.recordReport(B.address, { ok: false, refused: false });
      expect(table.get(B.address)).toMatchObject({ state: 'SUSPICIOUS', failAccessCnt: i });
    }
    table.recordReport(B.address, { ok: false, refused: false });
    expect(table.get(B.address)).toMatchObject({ state: 'DOWN', failAccessCnt: 4 });
    table.recordReport(B.address, { ok: false, refused: false });
    expect(table.get(B.address)).toMatchObject({ state: 'DOWN', failAccessCnt: 5 });
    table.recordReport(B.address, { ok: true });
    expect(table.get(B.address)).toMatchObject({ state: 'UP', failAccessCnt: 0 });
    expect(changes).toEqual([
      '127.0.0.1:8858 STARTING->UP',
      '127.0.0.1:8858 UP->SUSPICIOUS',
      '127.0.0.1:8858 SUSPICIOUS->DOWN',
      '127.0.0.1:8858 DOWN->UP',
    ]);
  });

  it('never improves a state on failure: DOWN stays DOWN, STARTING stays STARTING until DOWN', () => {
    const { table, changes } = setup();
    table.recordReport(B.address, { ok: true });
    table.recordReport(B.address, { ok: false, refused: true });
    table.recordReport(B.address, { ok: false, refused: false });
    expect(table.get(B.address)).toMatchObject({ state: 'DOWN', failAccessCnt: 2 });
    for (let i = 1; i <= 3; i++) {
      table.recordReport(C.address, { ok: false, refused: false });
      expect(table.get(C.address)).toMatchObject({ state: 'STARTING', failAccessCnt: i });
    }
    table.recordReport(C.address, { ok: false, refused: false });
    expect(table.get(C.address)).toMatchObject({ state: 'DOWN', failAccessCnt: 4 });
    expect(changes).toEqual([
      '127.0.0.1:8858 STARTING->UP',
      '127.0.0.1:8858 UP->DOWN',
      '127.0.0.1:8868 STARTING->DOWN',
    ]);
  });

  it('marks a refused connection DOWN at once', () => {
    const { table, changes } = setup();
    table.recordReport(C.address, { ok: false, refused: true });
    expect(table.get(C.address)).toMatchObject({ state: 'DOWN', failAccessCnt: 1 });
    expect(changes).toEqual(['127.0.0.1:8868 STARTING->DOWN']);
  });

  it('honours a configured threshold (0 = first failure is DOWN)', () => {
    const { table } = setup(0);
    table.recordReport(B.address, { ok: false, refused: false });
    expect(table.get(B.address)?.state).toBe('DOWN');
    expect(() => new MemberTable({ self: A, members: three, failAccessCnt: -1 })).toThrow(/failAccessCnt/);
  });

  it('ignores outcomes for self and unknown members', () => {
    const { table, changes } = setup();
    expect(table.recordReport(A.address, { ok: false, refused: true })).toBe(false);
    expect(table.recordReport('10.9.9.9:8848', { ok: true })).toBe(false);
    expect(table.get(A.address)?.state).toBe('UP');
    expect(changes).toEqual([]);
  });

  it('an incoming report marks the reporter UP and keeps its extendInfo', () => {
    const { table, changes, timers } = setup();
    table.recordReport(B.address, { ok: false, refused: true });
    const accepted = table.recordIncomingReport({
      ip: '127.0.0.1',
      port: 8858,
      state: 'UP',
      address: '127.0.0.1:8858',
      failAccessCnt: 0,
      extendInfo: { version: '1.4.2', raftMetaData: { term: 4 }, lastRefreshTime: 1 },
    });
    expect(accepted).toBe(true);
    const b = table.get(B.address) as Member;
    expect(b).toMatchObject({ state: 'UP', failAccessCnt: 0, lastRefreshTime: timers.now() });
    expect(b.reportedExtendInfo).toEqual({ version: '1.4.2', raftMetaData: { term: 4 } });
    expect(changes).toEqual(['127.0.0.1:8858 STARTING->DOWN', '127.0.0.1:8858 DOWN->UP']);
    expect(table.recordIncomingReport({ ip: '10.1.1.1', port: 8848 })).toBe(false);
  });

  it('rejects malformed incoming reports with MEMBERSHIP_BAD_REPORT and changes nothing', () => {
    const { table, changes } = setup();
    for (const body of [
      null,
      'x',
      { ip: 1, port: 8848 },
      { ip: '127.0.0.1', port: '8858' },
      { ip: '127.0.0.1', port: 99999 },
      { ip: '127.0.0.1', port: 8858, extendInfo: [] },
    ]) {
      let caught: unknown;
      try {
        table.recordIncomingReport(body);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(MembershipError);
      expect((caught as MembershipError).code).toBe('MEMBERSHIP_BAD_REPORT');
    }
    expect(table.get(B.address)?.state).toBe('STARTING');
    expect(changes).toEqual([]);
  });

  it('does not let a throwing listener break the table', () => {
    const { table } = setup();
    table.on('stateChange', () => {
      throw new Error('listener bug');
    });
    table.recordReport(B.address, { ok: true });
    expect(table.get(B.address)?.state).toBe('UP');
  });
});

describe('MemberTable.update', () => {
  it('adds members as STARTING, keeps states of kept ones, emits left/joined once each', () => {
    const { table } = setup();
    table.recordReport(B.address, { ok: false, refused: true });
    const events: string[] = [];
    table.on('joined', (m) => events.push(`joined ${m.address} ${m.state}`));
    table.on('left', (m) => events.push(`left ${m.address} ${m.state}`));
    const result = table.update(list('127.0.0.1:8848\n127.0.0.1:8858\n127.0.0.1:8878'));
    expect(result.added.map((m) => m.address)).toEqual(['127.0.0.1:8878']);
    expect(result.removed.map((m) => m.address)).toEqual(['127.0.0.1:8868']);
    expect(events).toEqual(['left 127.0.0.1:8868 STARTING', 'joined 127.0.0.1:8878 STARTING']);
    expect(table.get(B.address)?.state).toBe('DOWN');
    // Same list again: nothing happens.
    table.update(list('127.0.0.1:8878,127.0.0.1:8858,127.0.0.1:8848'));
    expect(events).toHaveLength(2);
  });

  it('refuses a list without self and changes nothing', () => {
    const { table } = setup();
    expect(() => table.update(list('127.0.0.1:8858'))).toThrow(
      /self 127\.0\.0\.1:8848 is not in the new member list/,
    );
    expect(table.list()).toHaveLength(3);
    expect(() => new MemberTable({ self: A, members: [B, C] })).toThrow(MembershipError);
  });
});

describe('MemberTable.toNacosJson', () => {
  it('produces Nacos member JSON with the extendInfo hook', () => {
    const timers = new FakeTimers(1_700_000_000_123);
    const table = new MemberTable({
      self: A,
      members: three,
      timers,
      version: '1.4.2',
      extendInfo: (m) =>
        m.isSelf ? { raftMetaData: { role: 'LEADER', term: 7, leader: m.address, commitIndex: 42 } } : {},
    });
    expect(table.toNacosJson(A.address)).toEqual({
      ip: '127.0.0.1',
      port: 8848,
      state: 'UP',
      extendInfo: {
        raftPort: '7848',
        version: '1.4.2',
        lastRefreshTime: 1_700_000_000_123,
        raftMetaData: { role: 'LEADER', term: 7, leader: '127.0.0.1:8848', commitIndex: 42 },
      },
      address: '127.0.0.1:8848',
      failAccessCnt: 0,
    });
    // A peer never heard from has no lastRefreshTime yet.
    expect(table.toNacosJson(B.address)).toEqual({
      ip: '127.0.0.1',
      port: 8858,
      state: 'STARTING',
      extendInfo: { raftPort: '7858', version: '1.4.2' },
      address: '127.0.0.1:8858',
      failAccessCnt: 0,
    });
    expect(JSON.parse(JSON.stringify(table.toNacosJsonList()))).toHaveLength(3);
    expect(table.toNacosJsonList('127.0.0.1:885').map((m) => m.address)).toEqual(['127.0.0.1:8858']);
    expect(table.toNacosJsonList('127.0.0.1:8868').map((m) => m.address)).toEqual(['127.0.0.1:8868']);
    expect(() => table.toNacosJson('1.1.1.1:8848')).toThrow(
      expect.objectContaining({ code: 'MEMBERSHIP_UNKNOWN_MEMBER' }),
    );
  });
});
