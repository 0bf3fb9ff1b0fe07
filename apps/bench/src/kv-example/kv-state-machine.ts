import type { Entry, StateMachine } from '@reg/raft';

/**
 * The replicated map of the example: every committed entry is one `set`. Kept in memory and
 * rebuilt from the Raft log on restart (the log on disk is the durable record).
 */
export class KvStateMachine implements StateMachine<number> {
  private readonly data = new Map<string, Uint8Array>();

  apply(entry: Entry): number {
    const { key, value } = decodeSet(entry.data);
    this.data.set(key, value);
    return entry.index;
  }

  get(key: string): Uint8Array | undefined {
    return this.data.get(key);
  }

  get size(): number {
    return this.data.size;
  }
}

/** `set` command: key length (2 bytes, big-endian), key (UTF-8), value bytes. */
export function encodeSet(key: string, value: Uint8Array): Uint8Array {
  const keyBytes = Buffer.from(key, 'utf8');
  if (keyBytes.length === 0 || keyBytes.length > 0xffff) throw new RangeError('key must be 1..65535 bytes');
  const out = new Uint8Array(2 + keyBytes.length + value.byteLength);
  out[0] = keyBytes.length >> 8;
  out[1] = keyBytes.length & 0xff;
  out.set(keyBytes, 2);
  out.set(value, 2 + keyBytes.length);
  return out;
}

export function decodeSet(data: Uint8Array): { key: string; value: Uint8Array } {
  const keyLength = ((data[0] ?? 0) << 8) | (data[1] ?? 0);
  if (data.byteLength < 2 + keyLength || keyLength === 0) throw new RangeError('malformed set command');
  return {
    key: Buffer.from(data.buffer, data.byteOffset + 2, keyLength).toString('utf8'),
    value: data.slice(2 + keyLength),
  };
}
