import type { Entry } from '../core/types.js';
import { RaftError } from '../errors.js';

/**
 * A command of the example key-value store. `client` and `seq` make it idempotent: a client
 * numbers its commands 1, 2, 3... and retries a command with the same `seq` until it gets an
 * answer, so the store applies each command exactly once (thesis §6.3, client sessions).
 */
export interface KvCommand {
  readonly client: string;
  /** Per-client sequence number, starting at 1; a client has at most one command outstanding. */
  readonly seq: number;
  readonly op: 'get' | 'put' | 'append';
  readonly key: string;
  /** For put and append. */
  readonly value?: string;
}

/** The answer to a {@link KvCommand}: the value after the command (get: the current value). */
export interface KvResult {
  /** False when the command was older than the client's latest (a stale retry). */
  readonly ok: boolean;
  readonly value: string | undefined;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a command as a log entry payload (UTF-8 JSON). */
export function encodeKvCommand(c: KvCommand): Uint8Array {
  return encoder.encode(JSON.stringify(c));
}

/** Decodes a payload; throws `RAFT_INVALID_ARGUMENT` when it is not a well-formed command. */
export function decodeKvCommand(data: Uint8Array): KvCommand {
  let c: unknown;
  try {
    c = JSON.parse(decoder.decode(data));
  } catch (cause) {
    throw new RaftError('RAFT_INVALID_ARGUMENT', 'kv command is not UTF-8 JSON', { cause });
  }
  const x = c as Record<string, unknown>;
  if (
    typeof x !== 'object' ||
    x === null ||
    typeof x.client !== 'string' ||
    !Number.isSafeInteger(x.seq) ||
    (x.seq as number) < 1 ||
    (x.op !== 'get' && x.op !== 'put' && x.op !== 'append') ||
    typeof x.key !== 'string' ||
    (x.op !== 'get' && typeof x.value !== 'string')
  ) {
    throw new RaftError('RAFT_INVALID_ARGUMENT', 'kv command is malformed');
  }
  return x as unknown as KvCommand;
}

/**
 * An in-memory key-value state machine with client sessions: the last `seq` and answer of every
 * client, so a retried command returns the first answer instead of applying twice. Deterministic;
 * malformed payloads are answered `{ ok: false }` and change nothing (every node does the same).
 */
export class KvStateMachine {
  readonly #data = new Map<string, string>();
  readonly #sessions = new Map<string, { seq: number; result: KvResult }>();
  /** Commands actually executed (not deduplicated), for tests. */
  executed = 0;

  /** Applies one committed entry. */
  apply(entry: Entry): KvResult {
    let c: KvCommand;
    try {
      c = decodeKvCommand(entry.data);
    } catch {
      return { ok: false, value: undefined };
    }
    const session = this.#sessions.get(c.client);
    if (session !== undefined) {
      if (c.seq === session.seq) return session.result;
      if (c.seq < session.seq) return { ok: false, value: undefined };
    }
    let value = this.#data.get(c.key);
    if (c.op === 'put') value = c.value ?? '';
    else if (c.op === 'append') value = (value ?? '') + (c.value ?? '');
    if (value !== undefined && c.op !== 'get') this.#data.set(c.key, value);
    this.executed++;
    const result: KvResult = { ok: true, value };
    this.#sessions.set(c.client, { seq: c.seq, result });
    return result;
  }

  /**
   * A point-in-time snapshot, streamed as UTF-8 JSON lines (a few hundred records per chunk). The
   * records are captured now (a shallow copy of references, no serialisation); later applies do not
   * show in it.
   */
  snapshot(): Iterable<Uint8Array> {
    const records: unknown[] = [
      { executed: this.executed },
      ...[...this.#data.entries()].map(([k, v]) => ({ k, v })),
      ...[...this.#sessions.entries()].map(([c, x]) => ({
        c,
        seq: x.seq,
        ok: x.result.ok,
        val: x.result.value ?? null,
      })),
    ];
    return (function* () {
      for (let i = 0; i < records.length; i += 256) {
        yield encoder.encode(
          `${records
            .slice(i, i + 256)
            .map((r) => JSON.stringify(r))
            .join('\n')}\n`,
        );
      }
    })();
  }

  /** Replaces the state with a snapshot's (see {@link snapshot}); lines may span chunks. */
  async restore(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const data = new Map<string, string>();
    const sessions = new Map<string, { seq: number; result: KvResult }>();
    let executed = 0;
    let rest = '';
    const stream = new TextDecoder('utf-8', { fatal: true });
    const take = (line: string) => {
      if (line === '') return;
      const r = JSON.parse(line) as Record<string, unknown>;
      if (typeof r.k === 'string') data.set(r.k, String(r.v));
      else if (typeof r.c === 'string') {
        sessions.set(r.c, {
          seq: Number(r.seq),
          result: { ok: r.ok === true, value: (r.val as string | null) ?? undefined },
        });
      } else executed = Number(r.executed);
    };
    for await (const chunk of chunks) {
      const lines = (rest + stream.decode(chunk, { stream: true })).split('\n');
      rest = lines.pop()!;
      for (const line of lines) take(line);
    }
    take(rest + stream.decode());
    this.#data.clear();
    for (const [k, v] of data) this.#data.set(k, v);
    this.#sessions.clear();
    for (const [c, x] of sessions) this.#sessions.set(c, x);
    this.executed = executed;
  }

  /** Reads a key locally (not linearizable by itself: use ReadIndex or a logged get). */
  get(key: string): string | undefined {
    return this.#data.get(key);
  }

  /** Every key and value, sorted by key (for comparing replicas). */
  entries(): [string, string][] {
    return [...this.#data.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
