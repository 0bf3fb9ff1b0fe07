import { MemoryStorage } from '@reg/storage';
import { afterEach, describe, expect, it } from 'vitest';
import type { NamingCommand } from '../../src/naming/cp-commands.js';
import { NamingCpState } from '../../src/naming/cp-state.js';
import { at, instance } from './fixtures.js';

const KEY = 'public##DEFAULT_GROUP@@orders';
const ref = { ns: 'public', grouped: 'DEFAULT_GROUP@@orders' };
const persistent = (ip: string) => instance(ip, { ephemeral: false });

let storages: MemoryStorage[] = [];
afterEach(async () => {
  for (const s of storages) await s.close();
  storages = [];
});

async function fresh(storage?: MemoryStorage) {
  const store = storage ?? new MemoryStorage();
  if (!storage) {
    await store.open();
    storages.push(store);
  }
  const state = new NamingCpState(store.naming);
  await state.load();
  return { state, store };
}

/** Validates then applies, as the dispatcher does, at log index `index`. */
async function run(state: NamingCpState, commands: unknown[], startIndex = 1) {
  const results = [];
  for (const [i, raw] of commands.entries()) {
    const command = state.validate(raw);
    results.push(
      await state.apply(command, { index: startIndex + i, term: 1, time: 1000 * (startIndex + i) }),
    );
  }
  return results;
}

const register = (ip: string, extra: Partial<NamingCommand> = {}) => ({
  ...ref,
  t: 'instances',
  op: { t: 'register', instance: persistent(ip) },
  ...extra,
});

describe('the naming CP state machine', () => {
  it('creates, updates and deletes services with Nacos refusals', async () => {
    const { state } = await fresh();
    const results = await run(state, [
      {
        ...ref,
        t: 'service.create',
        protectThreshold: 0.5,
        metadata: { a: '1' },
        selector: { type: 'none' },
      },
      { ...ref, t: 'service.create', protectThreshold: 0, metadata: {}, selector: { type: 'none' } },
      { ...ref, t: 'service.update', protectThreshold: 0.2, metadata: {} },
      {
        ns: 'public',
        grouped: 'DEFAULT_GROUP@@none',
        t: 'service.update',
        protectThreshold: 0,
        metadata: {},
      },
    ]);
    expect(results).toEqual([
      { ok: true },
      {
        ok: false,
        reason: 'exists',
        message: 'specified service already exists, serviceName : DEFAULT_GROUP@@orders',
      },
      { ok: true },
      { ok: false, reason: 'missing', message: 'service DEFAULT_GROUP@@none not found!' },
    ]);
    expect(state.service(KEY)).toMatchObject({ protectThreshold: 0.2, metadata: {}, createdAt: 1000 });
    expect(
      await run(
        state,
        [
          { ...ref, t: 'service.delete' },
          { ...ref, t: 'service.delete' },
        ],
        5,
      ),
    ).toEqual([
      { ok: true },
      {
        ok: false,
        reason: 'missing',
        message: 'specified service not exist, serviceName : DEFAULT_GROUP@@orders',
      },
    ]);
    expect(state.service(KEY)).toBeUndefined();
  });

  it('registers persistent instances, creating the service unless the proposer required it', async () => {
    const { state } = await fresh();
    expect(
      await run(state, [register('10.0.0.1', { requireService: true } as Partial<NamingCommand>)]),
    ).toEqual([
      {
        ok: false,
        reason: 'missing',
        message: 'service not found, namespace: public, service: DEFAULT_GROUP@@orders',
      },
    ]);
    expect(state.service(KEY)).toBeUndefined();
    await run(state, [register('10.0.0.1'), register('10.0.0.2')], 2);
    expect(state.instances(KEY).map((i) => [i.ip, i.ephemeral, i.lastBeat])).toEqual([
      ['10.0.0.1', false, 2000],
      ['10.0.0.2', false, 3000],
    ]);
    await run(
      state,
      [{ ...ref, t: 'instances', op: { t: 'health', at: at('10.0.0.2'), healthy: false } }],
      4,
    );
    expect(state.instances(KEY)[1]?.healthy).toBe(false);
  });

  it('applies switches, and every member applying the same log ends in the same state', async () => {
    const log = [
      { t: 'switch', entry: 'serverMode', value: 'CP' },
      register('10.0.0.1'),
      {
        ...ref,
        t: 'cluster',
        cluster: {
          name: 'DEFAULT',
          healthChecker: { type: 'NONE' },
          checkPort: 80,
          useInstancePort4Check: true,
          metadata: {},
        },
      },
      { ...ref, t: 'instances', op: { t: 'patch', at: at('10.0.0.1'), patch: { weight: 2 } } },
    ];
    const a = (await fresh()).state;
    const b = (await fresh()).state;
    await run(a, log);
    await run(b, log);
    expect(a.switches.serverMode).toBe('CP');
    expect([...a.services()]).toEqual([...b.services()]);
    expect(a.instances(KEY)).toEqual(b.instances(KEY));
    expect(a.service(KEY)?.clusters.DEFAULT?.healthChecker).toEqual({ type: 'NONE' });
  });

  it('reloads from storage, and re-applying the log tail changes nothing', async () => {
    const { state, store } = await fresh();
    const log = [
      { ...ref, t: 'service.create', protectThreshold: 0.3, metadata: {}, selector: { type: 'none' } },
      register('10.0.0.1'),
      register('10.0.0.2'),
      { ...ref, t: 'instances', op: { t: 'deregister', at: at('10.0.0.1') } },
      { t: 'switch', entry: 'clientBeatInterval', value: '3000' },
    ];
    await run(state, log);
    const reloaded = (await fresh(store)).state;
    expect([...reloaded.services()]).toEqual([...state.services()]);
    expect(reloaded.instances(KEY)).toEqual(state.instances(KEY));
    expect(reloaded.switches).toEqual(state.switches);
    // A crash before the applied-index checkpoint replays the last commands.
    await run(reloaded, log.slice(1), 2);
    expect(reloaded.instances(KEY)).toEqual(state.instances(KEY));
    expect([...reloaded.services()]).toEqual([...state.services()]);
  });

  it('refuses malformed commands in validate, before anything changes', async () => {
    const { state } = await fresh();
    const bad: unknown[] = [
      null,
      [],
      { t: 'nope', ...ref },
      { t: 'service.delete', ns: 'public', grouped: 'no-group' },
      { t: 'service.delete', ns: 'bad##ns', grouped: 'DEFAULT_GROUP@@orders' },
      { t: 'switch', entry: 'serverMode', value: 'XP' },
      { ...ref, t: 'instances', op: { t: 'register', instance: { ...persistent('1.1.1.1'), port: -1 } } },
      { ...ref, t: 'service.create', protectThreshold: 'x', metadata: {}, selector: { type: 'none' } },
      {
        ...ref,
        t: 'cluster',
        cluster: {
          name: 'bad_name',
          healthChecker: { type: 'TCP' },
          checkPort: 1,
          useInstancePort4Check: true,
          metadata: {},
        },
      },
    ];
    for (const command of bad) expect(() => state.validate(command)).toThrow();
    expect([...state.services()]).toEqual([]);
  });

  it('reloads after a snapshot replaced the store and reports exactly the services that changed', async () => {
    const other = { ns: 'public', grouped: 'DEFAULT_GROUP@@stock' };
    const same = { ns: 'public', grouped: 'DEFAULT_GROUP@@same' };
    const service = (r: typeof ref) => ({
      ...r,
      t: 'service.create',
      protectThreshold: 0,
      metadata: {},
      selector: { type: 'none' },
    });
    // The leader: orders with two instances, stock gone, same unchanged, a switch flipped.
    const { state: leader, store: leaderStore } = await fresh();
    await run(leader, [
      service(ref),
      register('10.0.0.1'),
      register('10.0.0.2'),
      service(same),
      { t: 'switch', entry: 'serverMode', value: 'CP' },
    ]);
    // The member that fell behind: orders with one instance, stock, the same "same" service.
    const { state: behind, store: behindStore } = await fresh();
    await run(behind, [service(ref), register('10.0.0.1'), service(other), service(same)]);
    const events: (string | undefined)[] = [];
    behind.onChange((key) => events.push(key));

    const leaderSnapshot = leaderStore.snapshot;
    const behindSnapshot = behindStore.snapshot;
    if (!leaderSnapshot || !behindSnapshot) throw new Error('MemoryStorage should support snapshots');
    await behindSnapshot.import(leaderSnapshot.export());
    await behind.restored();

    expect([...behind.serviceKeys()].sort()).toEqual([...leader.serviceKeys()].sort());
    expect(behind.service('public##DEFAULT_GROUP@@stock')).toBeUndefined();
    expect(behind.instances(KEY).map((i) => i.ip)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(behind.instances(KEY)).toEqual(leader.instances(KEY));
    expect(behind.service(KEY)).toEqual(leader.service(KEY));
    expect(behind.switches.serverMode).toBe('CP');
    // orders (an instance more) and stock (deleted) changed, switches too; "same" did not.
    expect(events.filter((k) => k !== undefined).sort()).toEqual([KEY, 'public##DEFAULT_GROUP@@stock']);
    expect(events.filter((k) => k === undefined)).toHaveLength(1);

    // A second restore of identical data reports nothing.
    events.length = 0;
    await behindSnapshot.import(leaderSnapshot.export());
    await behind.restored();
    expect(events).toEqual([]);
  });
});
