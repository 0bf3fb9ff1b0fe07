import { RaftError } from '../errors.js';
import { decodeConfChangeEntry } from './conf-change.js';
import { type Message, MessageType, messageTypeName } from './messages.js';
import { type Entry, EntryType } from './types.js';

const TYPES = new Set<number>(Object.values(MessageType));
const ENTRY_TYPES = new Set<number>(Object.values(EntryType));

const isIndex = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 0;

/**
 * Checks that `m` is a well-formed message: known type, integer fields in range, entries
 * contiguous after `index`, of known type, with terms in [logTerm, term] and Uint8Array data.
 * Throws `RAFT_INVALID_ARGUMENT` naming the first problem; never mutates anything.
 */
export function validateMessage(m: unknown): asserts m is Message {
  const bad = (why: string): never => {
    throw new RaftError('RAFT_INVALID_ARGUMENT', `malformed message: ${why}`);
  };
  if (typeof m !== 'object' || m === null) bad('not an object');
  const msg = m as Record<string, unknown>;
  if (!TYPES.has(msg.type as number)) bad(`unknown type ${String(msg.type)}`);
  const name = messageTypeName(msg.type as number);
  if (!Number.isSafeInteger(msg.from) || (msg.from as number) <= 0) bad(`${name}: bad from`);
  if (!Number.isSafeInteger(msg.to) || (msg.to as number) <= 0) bad(`${name}: bad to`);
  for (const f of ['term', 'logTerm', 'index', 'commit', 'rejectHint'] as const) {
    if (!isIndex(msg[f])) bad(`${name}: ${f} must be a non-negative safe integer`);
  }
  if (typeof msg.reject !== 'boolean') bad(`${name}: reject must be a boolean`);
  if (!Array.isArray(msg.entries)) bad(`${name}: entries must be an array`);
  const entries = msg.entries as unknown[];
  if (entries.length > 0 && msg.type !== MessageType.App) bad(`${name}: only App carries entries`);
  const term = msg.term as number;
  let prevTerm = msg.logTerm as number;
  let index = msg.index as number;
  if (msg.type === MessageType.App && prevTerm > term) bad('App: logTerm above term');
  for (const e of entries) {
    if (typeof e !== 'object' || e === null) bad('App: entry is not an object');
    const ent = e as Record<string, unknown>;
    index++;
    if (ent.index !== index) bad(`App: entry index ${String(ent.index)}, want ${index}`);
    if (!Number.isSafeInteger(ent.term) || (ent.term as number) < prevTerm || (ent.term as number) > term) {
      bad(`App: entry ${index} term ${String(ent.term)} outside [${prevTerm}, ${term}]`);
    }
    if (!ENTRY_TYPES.has(ent.type as number)) bad(`App: entry ${index} has unknown type`);
    if (!(ent.data instanceof Uint8Array)) bad(`App: entry ${index} data is not a Uint8Array`);
    if (ent.type === EntryType.ConfChange) decodeConfChangeEntry(ent as unknown as Entry);
    prevTerm = ent.term as number;
  }
  if (msg.type === MessageType.App && term === 0) bad('App: term 0');
  if (msg.context !== undefined && !(msg.context instanceof Uint8Array))
    bad(`${name}: context must be a Uint8Array`);
  if (
    (msg.type === MessageType.ReadIndex || msg.type === MessageType.ReadIndexResp) &&
    msg.context === undefined
  )
    bad(`${name}: a read carries a context`);
  if (msg.snapshot !== undefined) {
    const snap = msg.snapshot as Record<string, unknown> | null;
    if (typeof snap !== 'object' || snap === null || !isIndex(snap.index) || !isIndex(snap.term)) {
      bad(`${name}: snapshot metadata must have non-negative integer index and term`);
    }
    const cs = (snap as Record<string, unknown>).confState as Record<string, unknown> | undefined;
    const ids = (x: unknown) =>
      Array.isArray(x) && x.every((v) => Number.isSafeInteger(v) && (v as number) > 0);
    if (typeof cs !== 'object' || cs === null || !ids(cs.voters) || !ids(cs.learners)) {
      bad(`${name}: snapshot metadata needs a confState with voters and learners`);
    }
  }
  if (msg.type === MessageType.Snapshot && msg.snapshot === undefined) bad('Snapshot: no metadata');
  if (msg.chunk !== undefined) {
    const c = msg.chunk as Record<string, unknown> | null;
    if (typeof c !== 'object' || c === null || !isIndex(c.offset) || !(c.data instanceof Uint8Array)) {
      bad(`${name}: chunk must have a non-negative integer offset and Uint8Array data`);
    }
    if (typeof c?.last !== 'boolean') bad(`${name}: chunk.last must be a boolean`);
  }
}
