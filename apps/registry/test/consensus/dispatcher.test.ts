import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { APPLIED_KEY } from '../../src/consensus/applied-checkpoint.js';
import { RegistryError } from '../../src/errors.js';
import { counterModule, openPlane, waitFor } from './standalone-plane.js';

const dirs: string[] = [];
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const p of open.splice(0)) await p.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'reg-cp-'));
  dirs.push(dir);
  return dir;
}

async function started(dir: string, names: readonly string[] = ['counter'], address?: string) {
  const p = await openPlane(dir, address === undefined ? {} : { address });
  open.push(p);
  const modules = names.map((name) => counterModule(p.storage, name));
  const writers = modules.map((m) => p.plane.consensus.register(m.module));
  await p.plane.start();
  await waitFor(() => p.plane.consensus.hasLeader());
  return { ...p, modules, writers };
}

async function closeAll() {
  for (const p of open.splice(0)) await p.close();
}

describe('the command dispatcher on a standalone plane', () => {
  it('leads as soon as start() returns: the lone voter elected itself, readiness is green', async () => {
    const p = await openPlane(tempDir());
    open.push(p);
    const writer = p.plane.consensus.register(counterModule(p.storage).module);
    await p.plane.start();
    expect(p.plane.consensus.status().role).toBe('leader');
    expect(p.readiness.notReady()).toEqual([]);
    await expect(writer.submit({ key: 'now', value: 1 })).resolves.toMatchObject({ stored: true });
  });

  it('applies submitted commands in log order and answers apply results', async () => {
    const { writers, modules, plane } = await started(tempDir());
    const writer = writers[0]!;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => writer.submit({ key: `k${i % 5}`, value: i })),
    );
    const applied = modules[0]!.applied;
    expect(applied).toHaveLength(40);
    const indexes = applied.map((a) => a.position.index);
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
    expect(new Set(indexes).size).toBe(40);
    // Each caller got the result of its own command's apply.
    for (const [i, result] of results.entries()) {
      const entry = applied.find((a) => a.position.index === result.index);
      expect(entry?.command).toEqual({ key: `k${i % 5}`, value: i });
    }
    expect(plane.consensus.status()).toMatchObject({ role: 'leader', leader: '127.0.0.1:8848' });
    const time = applied[0]!.position.time;
    expect(Math.abs(time - Date.now())).toBeLessThan(10_000);
  });

  it('refuses a command validate rejects without proposing anything', async () => {
    const { writers, modules, plane } = await started(tempDir());
    await writers[0]!.submit({ key: 'a', value: 1 });
    const before = plane.consensus.status();
    const err = await writers[0]!.submit({ key: '', value: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).code).toBe('REG_BODY_INVALID');
    await writers[0]!.submit({ key: 'b', value: 'x' as unknown as number }).catch(() => undefined);
    expect(plane.consensus.status().commitIndex).toBe(before.commitIndex);
    expect(modules[0]!.applied).toHaveLength(1);
  });

  it('refuses commands that are not plain data', async () => {
    const p = await openPlane(tempDir());
    open.push(p);
    const writer = p.plane.consensus.register<{ when: Date }, null>({
      name: 'dates',
      validate: (c) => c as { when: Date },
      apply: () => null,
    });
    await p.plane.start();
    await waitFor(() => p.plane.consensus.hasLeader());
    await expect(writer.submit({ when: new Date() })).rejects.toThrow(/not plain data/);
  });

  it('refuses registration after start and duplicate or malformed module names', async () => {
    const { plane, storage } = await started(tempDir());
    expect(() => plane.consensus.register(counterModule(storage, 'late').module)).toThrow(
      /after the consensus started/,
    );
    const fresh = await openPlane(tempDir());
    open.push(fresh);
    fresh.plane.consensus.register(counterModule(fresh.storage, 'one').module);
    expect(() => fresh.plane.consensus.register(counterModule(fresh.storage, 'one').module)).toThrow(/twice/);
    expect(() => fresh.plane.consensus.register(counterModule(fresh.storage, 'Bad Name').module)).toThrow(
      /must match/,
    );
  });

  it('resumes from the applied index after a restart instead of re-applying the log', async () => {
    const dir = tempDir();
    let run = await started(dir);
    for (let i = 0; i < 20; i++) await run.writers[0]!.submit({ key: 'x', value: i });
    const lastIndex = run.modules[0]!.applied.at(-1)!.position.index;
    await closeAll();

    run = await started(dir);
    expect(run.plane.consensus.status().appliedIndex).toBeGreaterThanOrEqual(lastIndex);
    expect(run.modules[0]!.applied).toHaveLength(0);
    expect(await run.modules[0]!.read('x')).toEqual({ value: 19, index: lastIndex });
    const next = await run.writers[0]!.submit({ key: 'x', value: 20 });
    expect(next.index).toBeGreaterThan(lastIndex);
    expect(await run.modules[0]!.read('x')).toEqual({ value: 20, index: next.index });
  });

  it('re-applies the tail after a lagging checkpoint, and idempotent modules end in the same state', async () => {
    const dir = tempDir();
    let run = await started(dir);
    const indexes: number[] = [];
    for (let i = 0; i < 10; i++)
      indexes.push((await run.writers[0]!.submit({ key: `k${i}`, value: i })).index);
    await closeAll();

    // As after a crash that lost the last checkpoints but not the state: the checkpoint says 5th.
    const lagged = indexes[4]!;
    const reopened = await openPlane(dir);
    await reopened.storage.kv.batch([
      { type: 'put', key: APPLIED_KEY, value: new TextEncoder().encode(String(lagged)) },
    ]);
    await reopened.close();

    run = await started(dir);
    await waitFor(() => run.modules[0]!.applied.length === 5);
    expect(run.modules[0]!.applied.map((a) => a.position.index)).toEqual(indexes.slice(5));
    // Same positions as the first time (index, term and proposer time come from the log).
    expect(
      run.modules[0]!.applied.every((a) => a.command.key === `k${indexes.indexOf(a.position.index)}`),
    ).toBe(true);
    for (let i = 0; i < 10; i++)
      expect(await run.modules[0]!.read(`k${i}`)).toEqual({ value: i, index: indexes[i] });
  });

  it('skips commands of a module this member no longer runs, and keeps applying the others', async () => {
    const dir = tempDir();
    let run = await started(dir, ['alpha', 'beta']);
    await run.writers[0]!.submit({ key: 'a', value: 1 });
    await run.writers[1]!.submit({ key: 'b', value: 2 });
    await closeAll();
    // Replay everything with only alpha registered.
    const reopened = await openPlane(dir);
    await reopened.storage.kv.batch([{ type: 'del', key: APPLIED_KEY }]);
    await reopened.close();
    run = await started(dir, ['alpha']);
    await waitFor(() => run.modules[0]!.applied.length === 1);
    expect(run.modules[0]!.applied[0]!.command).toEqual({ key: 'a', value: 1 });
    const result = await run.writers[0]!.submit({ key: 'a', value: 3 });
    expect(await run.modules[0]!.read('a')).toEqual({ value: 3, index: result.index });
  });

  it('keeps leading its own log when restarted on another address (a standalone port change)', async () => {
    const dir = tempDir();
    let run = await started(dir, ['counter'], '127.0.0.1:8848');
    const first = await run.writers[0]!.submit({ key: 'moved', value: 1 });
    await closeAll();

    run = await started(dir, ['counter'], '10.1.2.3:9848');
    expect(run.plane.consensus.hasLeader()).toBe(true);
    expect(await run.modules[0]!.read('moved')).toEqual({ value: 1, index: first.index });
    const next = await run.writers[0]!.submit({ key: 'moved', value: 2 });
    expect(next.index).toBeGreaterThan(first.index);
  });

  it('refuses to start standalone on a log whose voters do not include it, naming them', async () => {
    const dir = tempDir();
    // What a cluster member's data directory records: a group of address-derived ids.
    writeFileSync(join(dir, 'raft-initial-voters.json'), '{"voters":[1111,2222,3333]}\n');
    const p = await openPlane(dir);
    open.push(p);
    p.plane.consensus.register(counterModule(p.storage).module);
    await expect(p.plane.start()).rejects.toThrow(
      /belongs to a group whose voters are \[1111, 2222, 3333\], which this standalone member is not one of/,
    );
  });

  it('refuses to start on a Raft log that is behind the applied state', async () => {
    const dir = tempDir();
    const run = await started(dir);
    for (let i = 0; i < 3; i++) await run.writers[0]!.submit({ key: 'x', value: i });
    await closeAll();
    rmSync(join(dir, 'raft'), { recursive: true, force: true });

    const reopened = await openPlane(dir);
    open.push(reopened);
    reopened.plane.consensus.register(counterModule(reopened.storage).module);
    await expect(reopened.plane.start()).rejects.toThrow(
      /holds entries up to index 0, but the stored state was applied up to \d+: the log was lost or replaced/,
    );
    expect(await counterModule(reopened.storage).read('x')).toMatchObject({ value: 2 });
  });

  it('passes a read barrier only after everything committed before it is applied', async () => {
    const { writers, modules, plane } = await started(tempDir());
    const writes = Array.from({ length: 25 }, (_, i) => writers[0]!.submit({ key: 'r', value: i }));
    await Promise.all(writes);
    await plane.consensus.readBarrier();
    expect(modules[0]!.applied).toHaveLength(25);
    expect(plane.consensus.status().appliedIndex).toBeGreaterThanOrEqual(
      plane.consensus.status().commitIndex,
    );
  });

  it('reports Raft and Distro readiness', async () => {
    const { readiness } = await started(tempDir());
    expect(readiness.notReady()).toEqual([]);
  });
});
