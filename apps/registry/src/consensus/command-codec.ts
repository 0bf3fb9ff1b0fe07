import { checkPlainMsgpack } from '@reg/transport-ws';
import { Packr, Unpackr } from 'msgpackr';

/**
 * The bytes of one Raft log entry: `{ m: module name, c: command, t: proposer's clock }` in
 * msgpack. Log entries come from peers, so decoding admits plain data only (the same check the
 * peer transport applies to its frames): msgpackr alone would honour its extension types.
 */
export interface EncodedCommand {
  /** Module name; `''` is reserved for entries that change nothing. */
  readonly m: string;
  readonly c: unknown;
  /** Milliseconds since the epoch on the member that encoded it. */
  readonly t: number;
}

/** Module name of entries that change nothing (reserved; applying one answers its index). */
export const NOOP_MODULE = '';

// Extension types and records off: the log must hold data any version can read back.
const packr = new Packr({
  useRecords: false,
  structuredClone: false,
  moreTypes: false,
  bundleStrings: false,
});
const unpackr = new Unpackr({
  useRecords: false,
  structuredClone: false,
  moreTypes: false,
  mapsAsObjects: true,
  bundleStrings: false,
});

/** Raised when bytes are not a command entry; the message says why. */
export class CommandCodecError extends Error {
  override name = 'CommandCodecError';
}

export function encodeCommand(command: EncodedCommand): Uint8Array {
  const bytes = packr.pack({ m: command.m, c: command.c, t: command.t });
  const bad = checkPlainMsgpack(bytes);
  if (bad !== undefined) {
    throw new CommandCodecError(
      `a command of module "${command.m}" is not plain data (${bad}): use null, booleans, numbers, strings, arrays and plain objects`,
    );
  }
  return bytes;
}

export function decodeCommand(bytes: Uint8Array): EncodedCommand {
  const bad = checkPlainMsgpack(bytes);
  if (bad !== undefined) throw new CommandCodecError(`log entry is not plain msgpack data (${bad})`);
  let value: unknown;
  try {
    value = unpackr.unpack(bytes);
  } catch (err) {
    throw new CommandCodecError(`log entry does not decode: ${(err as Error).message}`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CommandCodecError('log entry is not a command object');
  }
  const { m, c, t } = value as Record<string, unknown>;
  if (typeof m !== 'string') throw new CommandCodecError('log entry has no module name');
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new CommandCodecError('log entry has no time');
  return { m, c, t };
}
