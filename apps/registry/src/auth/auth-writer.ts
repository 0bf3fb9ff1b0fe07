import type { Storage } from '@reg/storage';
import type { Consensus } from '../consensus/consensus.js';
import { type AuthCommand, type AuthResult, validateAuthCommand } from './auth-commands.js';
import { applyAuthCommand } from './auth-state-machine.js';

/** The CP module's name in the Raft log. */
export const AUTH_MODULE_NAME = 'auth';

/** Writes auth changes: through Raft on embedded storage, straight to the shared database on MySQL. */
export interface AuthWriter {
  submit(command: AuthCommand): Promise<AuthResult>;
}

/** Called on this member after every applied command (cache invalidation, the agreed secret). */
export type AppliedHook = (command: AuthCommand, result: AuthResult) => void;

/** Called on this member after a Raft snapshot replaced its store (reload the secret, drop caches). */
export type RestoredHook = () => Promise<void>;

/**
 * Embedded storage: registers the `auth` CP module. Every member applies every command into its
 * own store in log order; `onApplied` runs on each of them, `onRestored` after a snapshot install.
 */
export function consensusWriter(
  consensus: Consensus,
  storage: Storage,
  onApplied: AppliedHook,
  onRestored: RestoredHook,
): AuthWriter {
  return consensus.register<AuthCommand, AuthResult>({
    name: AUTH_MODULE_NAME,
    validate: validateAuthCommand,
    async apply(command) {
      const result = await applyAuthCommand(storage, command);
      onApplied(command, result);
      return result;
    },
    restored: onRestored,
  });
}

/**
 * MySQL storage: the database is shared, so commands apply directly, one at a time on this member
 * (members race only through the database's unique keys, which the state machine treats as
 * refusals).
 */
export function directWriter(storage: Storage, onApplied: AppliedHook): AuthWriter {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    async submit(command) {
      const checked = validateAuthCommand(command);
      const run = tail.then(async () => {
        const result = await applyAuthCommand(storage, checked);
        onApplied(checked, result);
        return result;
      });
      tail = run.catch(() => undefined);
      return run;
    },
  };
}
