import { RegistryError, type RegistryErrorCode } from '../errors.js';
import { ERROR_REPLIES } from '../http/error-replies.js';

/** Nacos' answer while no leader is known; clients retry on it. */
export const NO_LEADER_TEXT = 'server is STARTING now, please try again later';

export function noLeaderError(cause?: unknown): RegistryError {
  return new RegistryError('REG_NO_LEADER', NO_LEADER_TEXT, cause === undefined ? undefined : { cause });
}

export function cpTimeoutError(what: string, timeoutMs: number, cause?: unknown): RegistryError {
  return new RegistryError(
    'REG_CP_TIMEOUT',
    `${what} did not complete within ${timeoutMs} ms; its outcome is unknown, check before retrying`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * What a module's `apply` (or a refusal before it) produced, as the proposer receives it. `index`
 * is the log index of the command's entry when it reached the log (a follower that forwarded it
 * waits until it applied that index itself, so its own reads see the write).
 */
export type Outcome<R = unknown> =
  | { readonly ok: true; readonly value: R; readonly index?: number }
  | { readonly ok: false; readonly error: Error; readonly index?: number };

/** An outcome on the wire between members (the leader answering a forwarded command). */
export type WireOutcome =
  | { readonly ok: true; readonly value: unknown; readonly index?: number }
  | { readonly ok: false; readonly code: string | null; readonly message: string; readonly index?: number };

export function toWire(outcome: Outcome): WireOutcome {
  const at = outcome.index === undefined ? {} : { index: outcome.index };
  if (outcome.ok) return { ok: true, value: outcome.value, ...at };
  const code = (outcome.error as { code?: unknown }).code;
  return { ok: false, code: typeof code === 'string' ? code : null, message: outcome.error.message, ...at };
}

/** Rebuilds an outcome received from a peer; registry error codes come back as `RegistryError`. */
export function fromWire(wire: unknown): Outcome {
  if (typeof wire !== 'object' || wire === null)
    return { ok: false, error: new Error('malformed reply from the leader') };
  const w = wire as Record<string, unknown>;
  const at = Number.isSafeInteger(w.index) && (w.index as number) > 0 ? { index: w.index as number } : {};
  if (w.ok === true) return { ok: true, value: w.value, ...at };
  const message = typeof w.message === 'string' ? w.message : 'the leader refused the command';
  if (typeof w.code === 'string' && Object.hasOwn(ERROR_REPLIES, w.code)) {
    return { ok: false, error: new RegistryError(w.code as RegistryErrorCode, message), ...at };
  }
  return { ok: false, error: new Error(message), ...at };
}
