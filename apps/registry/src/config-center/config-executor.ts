import { type ConfigKey, type ConfigRecord, hasStorageCode, md5Hex, type Storage } from '@reg/storage';
import { type ConfigCommand, PURGE_BATCH_ROWS, type PublishSpec } from './config-commands.js';

/** What a publish did: written (`I`nsert or `U`pdate), or refused by its compare-and-set. */
export type PublishOutcome =
  | { readonly ok: true; readonly opType: 'I' | 'U'; readonly md5: string }
  | { readonly ok: false; readonly actualMd5: string };

/** The result of each command, by op. */
export interface CommandResults {
  publish: PublishOutcome;
  delete: { readonly deleted: boolean };
  'delete-ids': { readonly deleted: number };
  'namespace-create': { readonly created: boolean };
  'namespace-update': { readonly updated: boolean };
  'namespace-delete': { readonly deleted: boolean };
  notify: null;
  'history-purge': { readonly purged: number };
}

export type CommandResult = CommandResults[keyof CommandResults];

/** A command's result and the configs whose content it changed (their listeners must hear). */
export interface Executed {
  readonly result: CommandResult;
  readonly changed: readonly ConfigKey[];
  /** False when the command changed nothing in storage (a refused CAS, a notify). */
  readonly wrote: boolean;
}

/**
 * Carries out config commands against a store. The same code runs in two places: inside the
 * Raft state machine on every member (embedded storage; `time` is the log entry's), and in the
 * request handler of the member that owns a MySQL write (`time` is now).
 *
 * Deterministic: the outcome depends only on the store's state, the command and `time`.
 * With `dedupe`, a publish that finds its own effect already stored (same content, fields and
 * time) writes nothing: that makes re-applying a log entry whose write landed just before a
 * crash harmless, and it is a pure function of state, so every member decides the same.
 */
export async function executeConfigCommand(
  storage: Storage,
  command: ConfigCommand,
  time: number,
  options: { readonly dedupe: boolean },
): Promise<Executed> {
  switch (command.op) {
    case 'publish':
      return publish(storage, command.config, time, options.dedupe);
    case 'delete': {
      const done = await storage.configs.delete(command.key, { ...command.source, time });
      return { result: { deleted: done !== undefined }, changed: done ? [command.key] : [], wrote: !!done };
    }
    case 'delete-ids': {
      const changed: ConfigKey[] = [];
      for (const id of command.ids) {
        const config = await storage.configs.getById(id);
        if (config === undefined) continue;
        const key = { dataId: config.dataId, group: config.group, tenant: config.tenant };
        if (await storage.configs.delete(key, { ...command.source, time })) changed.push(key);
      }
      return { result: { deleted: changed.length }, changed, wrote: changed.length > 0 };
    }
    case 'namespace-create': {
      const { id, name, desc } = command.namespace;
      const existing = await storage.namespaces.get(id);
      if (existing !== undefined) {
        // Our own create, re-applied after a crash, reads as success; anyone else's is a conflict.
        const ours =
          options.dedupe && existing.createdTime === time && existing.name === name && existing.desc === desc;
        return { result: { created: ours }, changed: [], wrote: false };
      }
      try {
        await storage.namespaces.create({ id, name, desc, time });
      } catch (err) {
        // A concurrent create on a shared database won the race.
        if (hasStorageCode(err, 'STORAGE_CONFLICT'))
          return { result: { created: false }, changed: [], wrote: false };
        throw err;
      }
      return { result: { created: true }, changed: [], wrote: true };
    }
    case 'namespace-update': {
      const { id, name, desc } = command.namespace;
      if ((await storage.namespaces.get(id)) === undefined) {
        return { result: { updated: false }, changed: [], wrote: false };
      }
      try {
        await storage.namespaces.update(id, { name, desc, time });
      } catch (err) {
        // Deleted concurrently on a shared database.
        if (hasStorageCode(err, 'STORAGE_NOT_FOUND'))
          return { result: { updated: false }, changed: [], wrote: false };
        throw err;
      }
      return { result: { updated: true }, changed: [], wrote: true };
    }
    case 'namespace-delete': {
      const deleted = await storage.namespaces.delete(command.id);
      return { result: { deleted }, changed: [], wrote: deleted };
    }
    case 'notify':
      return { result: null, changed: command.keys, wrote: false };
    case 'history-purge': {
      // In batches, each its own write; a crash between them leaves a prefix that re-applying finishes.
      let purged = 0;
      for (;;) {
        const batch = await storage.history.purgeBefore(command.before, PURGE_BATCH_ROWS);
        purged += batch;
        if (batch < PURGE_BATCH_ROWS) break;
      }
      return { result: { purged }, changed: [], wrote: purged > 0 };
    }
  }
}

async function publish(
  storage: Storage,
  spec: PublishSpec,
  time: number,
  dedupe: boolean,
): Promise<Executed> {
  if (dedupe) {
    const stored = await storage.configs.get(spec);
    if (stored !== undefined && isEffectOf(stored, spec, time)) {
      return { result: { ok: true, opType: 'U', md5: stored.md5 }, changed: [], wrote: false };
    }
  }
  try {
    const done = await storage.configs.publish({ ...spec, time });
    return {
      result: { ok: true, opType: done.opType, md5: done.config.md5 },
      changed: [spec],
      wrote: true,
    };
  } catch (err) {
    if (hasStorageCode(err, 'STORAGE_CAS_MISMATCH')) {
      const actualMd5 = (err as { actualMd5?: string }).actualMd5 ?? '';
      return { result: { ok: false, actualMd5 }, changed: [], wrote: false };
    }
    throw err;
  }
}

/** True when `stored` is exactly what publishing `spec` at `time` produces. */
function isEffectOf(stored: ConfigRecord, spec: PublishSpec, time: number): boolean {
  const tags = [...new Set(spec.tags ?? [])];
  return (
    stored.modifiedTime === Math.max(time, stored.createdTime) &&
    stored.md5 === md5Hex(spec.content) &&
    stored.content === spec.content &&
    stored.type === (spec.type ?? '') &&
    stored.appName === (spec.appName ?? '') &&
    stored.desc === (spec.desc ?? '') &&
    stored.use === (spec.use ?? '') &&
    stored.effect === (spec.effect ?? '') &&
    stored.schema === (spec.schema ?? '') &&
    stored.srcUser === spec.srcUser &&
    stored.srcIp === spec.srcIp &&
    stored.tags.length === tags.length &&
    stored.tags.every((t, i) => t === tags[i])
  );
}
