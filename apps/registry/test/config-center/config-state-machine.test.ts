import { MemoryStorage, md5Hex } from '@reg/storage';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigCommand } from '../../src/config-center/config-commands.js';
import { executeConfigCommand } from '../../src/config-center/config-executor.js';
import { ConfigStateMachine, readAppliedIndex } from '../../src/config-center/config-state-machine.js';
import { ListenerHub } from '../../src/config-center/listener-hub.js';
import { parseListeningConfigs } from '../../src/config-center/listening-configs.js';
import { FakeTimers } from './fake-timers.js';
import { dumpConfigState } from './store-dump.js';

const stores: MemoryStorage[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function member(kind: 'embedded' | 'mysql' = 'embedded') {
  const storage = new MemoryStorage();
  await storage.open();
  stores.push(storage);
  const timers = new FakeTimers();
  const hub = new ListenerHub(timers);
  const warnings: string[] = [];
  const machine = new ConfigStateMachine({
    storage,
    kind,
    hub,
    logger: { warn: (_o, msg) => warnings.push(msg) },
  });
  return { storage, hub, machine, timers, warnings };
}

const source = { srcUser: 'alice', srcIp: '10.0.0.1' };

function publish(
  dataId: string,
  content: string,
  extra: Partial<Record<string, unknown>> = {},
): ConfigCommand {
  return {
    op: 'publish',
    config: {
      dataId,
      group: 'DEFAULT_GROUP',
      tenant: '',
      content,
      type: 'text',
      appName: '',
      desc: '',
      tags: [],
      use: '',
      effect: '',
      schema: '',
      ...source,
      ...extra,
    },
  } as ConfigCommand;
}

const at = (index: number) => ({ index, term: 1, time: 1_700_000_000_000 + index * 1000 });

describe('ConfigStateMachine (embedded)', () => {
  it('applies publishes with the log time and answers I then U', async () => {
    const { storage, machine } = await member();
    expect(await machine.apply(machine.validate(publish('a', 'v1')), at(3))).toEqual({
      ok: true,
      opType: 'I',
      md5: md5Hex('v1'),
    });
    expect(await machine.apply(machine.validate(publish('a', 'v2')), at(4))).toMatchObject({
      ok: true,
      opType: 'U',
    });
    const config = await storage.configs.get({ dataId: 'a', group: 'DEFAULT_GROUP', tenant: '' });
    expect(config).toMatchObject({ content: 'v2', createdTime: at(3).time, modifiedTime: at(4).time });
    expect(await readAppliedIndex(storage)).toBe(4);
  });

  it('decides casMd5 inside apply: a mismatch writes nothing, a match writes', async () => {
    const { storage, machine } = await member();
    await machine.apply(publish('a', 'v1'), at(1));
    const before = await dumpConfigState(storage, ['']);
    expect(await machine.apply(publish('a', 'v2', { casMd5: md5Hex('other') }), at(2))).toEqual({
      ok: false,
      actualMd5: md5Hex('v1'),
    });
    expect(await machine.apply(publish('b', 'v1', { casMd5: md5Hex('v1') }), at(3))).toEqual({
      ok: false,
      actualMd5: '',
    });
    expect(await dumpConfigState(storage, [''])).toEqual(before);
    expect(await machine.apply(publish('a', 'v2', { casMd5: md5Hex('v1') }), at(4))).toMatchObject({
      ok: true,
    });
    // Two writers that read v2 race: the log orders them, exactly one wins.
    const first = await machine.apply(publish('a', 'x', { casMd5: md5Hex('v2') }), at(5));
    const second = await machine.apply(publish('a', 'y', { casMd5: md5Hex('v2') }), at(6));
    expect([first, second].map((r) => (r as { ok: boolean }).ok)).toEqual([true, false]);
  });

  it('skips entries at or below the recorded index (a re-applied tail)', async () => {
    const { storage, machine } = await member();
    await machine.apply(publish('a', 'v1'), at(1));
    await machine.apply(publish('a', 'v2'), at(2));
    const before = await dumpConfigState(storage, ['']);
    expect(await machine.apply(publish('a', 'v1'), at(1))).toBeNull();
    expect(await machine.apply(publish('a', 'v2'), at(2))).toBeNull();
    expect(await dumpConfigState(storage, [''])).toEqual(before);
  });

  it('recognises its own write that landed before a crash lost the recorded index', async () => {
    const { storage, machine } = await member();
    await machine.apply(publish('a', 'v1'), at(1));
    // The crash: entry 2's write landed, its applied-index record did not.
    const command = publish('a', 'v2', { casMd5: md5Hex('v1') });
    await executeConfigCommand(storage, command, at(2).time, { dedupe: true });
    const landed = await dumpConfigState(storage, ['']);
    expect(await readAppliedIndex(storage)).toBe(1);
    expect(await machine.apply(command, at(2))).toMatchObject({ ok: true });
    expect(await dumpConfigState(storage, [''])).toEqual(landed);
    expect(await readAppliedIndex(storage)).toBe(2);
  });

  it('deletes single configs and batches by id, idempotently', async () => {
    const { storage, machine } = await member();
    await machine.apply(publish('a', '1'), at(1));
    await machine.apply(publish('b', '2'), at(2));
    await machine.apply(publish('c', '3'), at(3));
    const key = { dataId: 'a', group: 'DEFAULT_GROUP', tenant: '' };
    expect(await machine.apply({ op: 'delete', key, source }, at(4))).toEqual({ deleted: true });
    expect(await machine.apply({ op: 'delete', key, source }, at(5))).toEqual({ deleted: false });
    expect(await machine.apply({ op: 'delete-ids', ids: [2, 3, 99], source }, at(6))).toEqual({ deleted: 2 });
    const state = await dumpConfigState(storage, ['']);
    expect(state.configs).toEqual([]);
    expect(state.history.map((h) => `${h.dataId}:${h.opType}:${h.content}`)).toEqual([
      'a:I:1',
      'b:I:2',
      'c:I:3',
      'a:D:1',
      'b:D:2',
      'c:D:3',
    ]);
  });

  it('creates, renames and removes namespaces; a taken id is refused', async () => {
    const { storage, machine } = await member();
    const ns = { id: 'dev', name: 'Dev', desc: 'team' };
    expect(await machine.apply({ op: 'namespace-create', namespace: ns }, at(1))).toEqual({ created: true });
    expect(await machine.apply({ op: 'namespace-create', namespace: { ...ns, name: 'X' } }, at(2))).toEqual({
      created: false,
    });
    expect(
      await machine.apply({ op: 'namespace-update', namespace: { ...ns, name: 'Development' } }, at(3)),
    ).toEqual({ updated: true });
    expect(
      await machine.apply({ op: 'namespace-update', namespace: { id: 'nope', name: 'n', desc: '' } }, at(4)),
    ).toEqual({ updated: false });
    expect(await storage.namespaces.get('dev')).toMatchObject({
      name: 'Development',
      createdTime: at(1).time,
    });
    expect(await machine.apply({ op: 'namespace-delete', id: 'dev' }, at(5))).toEqual({ deleted: true });
    expect(await storage.namespaces.list()).toEqual([]);
  });

  it('answers held polls on the changed key when a write is applied', async () => {
    const { hub, machine } = await member();
    const poll = hub.hold(parseListeningConfigs('a\u0002DEFAULT_GROUP\u0002\u0001'), 30_000);
    await machine.apply(publish('a', 'v1'), at(1));
    expect((await poll.answer).map((c) => c.dataId)).toEqual(['a']);
    // A refused CAS changes nothing and wakes nobody.
    const quiet = hub.hold(parseListeningConfigs('a\u0002DEFAULT_GROUP\u0002\u0001'), 30_000);
    await machine.apply(publish('a', 'v2', { casMd5: md5Hex('zzz') }), at(2));
    expect(hub.size).toBe(1);
    void quiet.settle([]);
  });

  it('after a snapshot restore answers exactly the held polls whose md5 the new store changed', async () => {
    const leader = await member();
    const behind = await member();
    for (const m of [leader, behind]) {
      await m.machine.apply(publish('a', 'v1'), at(1));
      await m.machine.apply(publish('b', 'v1'), at(2));
    }
    await leader.machine.apply(publish('a', 'v2'), at(3));
    await leader.machine.apply(publish('c', 'new'), at(4));
    const W = '\u0002';
    const L = '\u0001';
    const held = (text: string) => behind.hub.hold(parseListeningConfigs(text), 30_000);
    const onA = held(`a${W}DEFAULT_GROUP${W}${md5Hex('v1')}${L}b${W}DEFAULT_GROUP${W}${md5Hex('v1')}${L}`);
    const onB = held(`b${W}DEFAULT_GROUP${W}${md5Hex('v1')}${L}`);
    const onC = held(`c${W}DEFAULT_GROUP${W}${L}`);
    // Already holds what the leader has: must stay held.
    const current = held(`a${W}DEFAULT_GROUP${W}${md5Hex('v2')}${L}`);
    expect(behind.hub.size).toBe(4);

    const from = leader.storage.snapshot;
    const into = behind.storage.snapshot;
    if (!from || !into) throw new Error('MemoryStorage should support snapshots');
    await into.import(from.export());
    await behind.machine.restored();

    expect((await onA.answer).map((c) => c.dataId)).toEqual(['a']);
    expect((await onC.answer).map((c) => c.dataId)).toEqual(['c']);
    expect(behind.hub.size).toBe(2);
    expect(await onB.settle([])).toEqual([]);
    expect(await current.settle([])).toEqual([]);
    // The restored applied-index record skips the entries the snapshot already holds.
    expect(await readAppliedIndex(behind.storage)).toBe(4);
    expect(await behind.machine.apply(publish('a', 'stale'), at(3))).toBeNull();
    expect(
      (await behind.storage.configs.get({ dataId: 'a', group: 'DEFAULT_GROUP', tenant: '' }))?.content,
    ).toBe('v2');
  });

  it('validates commands from the log as strictly as requests', () => {
    const { machine } = {
      machine: new ConfigStateMachine({
        storage: new MemoryStorage(),
        kind: 'embedded',
        hub: new ListenerHub(),
      }),
    };
    const bad: unknown[] = [
      null,
      { op: 'drop-table' },
      publish('../x', 'v'),
      publish('a', '   '),
      publish('a', 'v', { tenant: 'public' }),
      publish('a', 'v', { tags: 'x' }),
      publish('a', 'v', { appName: 'a'.repeat(129) }),
      publish('a', 'nul\u0000'),
      { op: 'delete-ids', ids: [], source },
      { op: 'delete-ids', ids: [1.5], source },
      { op: 'namespace-create', namespace: { id: 'a b', name: 'n', desc: '' } },
      { op: 'namespace-create', namespace: { id: 'public', name: 'n', desc: '' } },
      { op: 'notify', keys: [{ dataId: 'a', group: 'G' }] },
    ];
    for (const command of bad) {
      expect(() => machine.validate(command), JSON.stringify(command)).toThrow(
        expect.objectContaining({ code: 'REG_CONFIG_INVALID' }),
      );
    }
  });
});

describe('ConfigStateMachine (mysql)', () => {
  it('only fires listeners: data commands from the log are skipped, never written once per member', async () => {
    const { storage, hub, machine, warnings } = await member('mysql');
    expect(await machine.apply(publish('a', 'v1'), at(1))).toBeNull();
    expect(await storage.configs.get({ dataId: 'a', group: 'DEFAULT_GROUP', tenant: '' })).toBeUndefined();
    expect(warnings).toHaveLength(1);
    const poll = hub.hold(parseListeningConfigs('a\u0002DEFAULT_GROUP\u0002\u0001'), 30_000);
    await machine.apply({ op: 'notify', keys: [{ dataId: 'a', group: 'DEFAULT_GROUP', tenant: '' }] }, at(2));
    expect(await poll.answer).toHaveLength(1);
  });
});
