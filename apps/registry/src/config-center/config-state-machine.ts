import type { Storage } from '@reg/storage';
import type { CommandPosition, CpModule } from '../consensus/consensus.js';
import { type ConfigCommand, validateConfigCommand } from './config-commands.js';
import { type CommandResult, executeConfigCommand } from './config-executor.js';
import type { ListenerHub } from './listener-hub.js';

/** The key (in `storage.kv`) of the last log index whose config write landed in this store. */
export const APPLIED_INDEX_KEY = 'config-center/applied-index';

/** Where this member's config data lives, which decides what applying a command means. */
export type ConfigStorageKind = 'embedded' | 'mysql';

export interface ConfigStateMachineOptions {
  readonly storage: Storage;
  readonly kind: ConfigStorageKind;
  readonly hub: ListenerHub;
  readonly logger?: { warn(obj: object, msg: string): void };
}

/**
 * The `config` CP module.
 *
 * **Embedded storage**: every config and namespace write is applied here, on every member, into
 * its own store. Apply is deterministic (time from the log position) and idempotent for a
 * re-applied tail: after each command the log index is recorded in `storage.kv`; entries at or
 * below it are skipped; the one entry whose write may have landed without its record is
 * recognised by its effect (see `executeConfigCommand`'s `dedupe`).
 *
 * NB: `@reg/storage` offers no way to write a config and the applied index in one atomic step,
 * nor to choose record ids; hence the extra `kv` write per command and the effect check.
 *
 * **MySQL storage**: the database is shared, so the handling member writes it itself; only
 * `notify` commands come through the log, to fire listeners on every member. Data commands are
 * never proposed in this mode; one that shows up (a member misconfigured with the other storage)
 * is logged and skipped rather than written once per member.
 *
 * Either way, each applied change answers this member's long polls on the changed keys.
 */
export class ConfigStateMachine implements CpModule<ConfigCommand, CommandResult> {
  readonly name = 'config';
  readonly #options: ConfigStateMachineOptions;

  constructor(options: ConfigStateMachineOptions) {
    this.#options = options;
  }

  validate(command: unknown): ConfigCommand {
    return validateConfigCommand(command);
  }

  async apply(command: ConfigCommand, position: CommandPosition): Promise<CommandResult> {
    const { storage, kind, hub } = this.#options;
    if (command.op === 'notify') {
      for (const key of command.keys) hub.notify(key, position.time);
      return null;
    }
    if (kind === 'mysql') {
      this.#options.logger?.warn(
        { op: command.op, index: position.index },
        'config data command in the log of a member on mysql storage; skipped',
      );
      return null;
    }
    // Read every time rather than cache: a snapshot install replaces the store, this key included.
    if (position.index <= (await readAppliedIndex(storage))) return null;
    const done = await executeConfigCommand(storage, command, position.time, { dedupe: true });
    // Recorded for refusals too: a refused CAS re-evaluated against a later state could succeed.
    await writeAppliedIndex(storage, position.index);
    for (const key of done.changed) hub.notify(key, position.time);
    return done.result;
  }

  /**
   * A Raft snapshot replaced the store: configs may have changed without a command applied here,
   * so every held poll whose md5 no longer matches the store is answered now. Nothing else is
   * kept in memory (reads and the applied-index record go to storage every time).
   */
  async restored(): Promise<void> {
    const { storage, hub } = this.#options;
    const stale = new Set<string>();
    for (const c of hub.heldConfigs()) {
      const stored = await storage.configs.get(c);
      if ((stored?.md5 ?? '') !== c.md5) stale.add(`${c.id}\n${c.md5}`);
    }
    // A poll held after the reads above compared against the restored store itself.
    if (stale.size > 0) hub.answerChanged((c) => stale.has(`${c.id}\n${c.md5}`));
  }
}

/** The applied-index record, 0 when absent. */
export async function readAppliedIndex(storage: Storage): Promise<number> {
  const raw = await storage.kv.get(APPLIED_INDEX_KEY);
  if (raw === undefined) return 0;
  const n = Number(new TextDecoder().decode(raw));
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

async function writeAppliedIndex(storage: Storage, index: number): Promise<void> {
  await storage.kv.batch([
    { type: 'put', key: APPLIED_INDEX_KEY, value: new TextEncoder().encode(String(index)) },
  ]);
}
