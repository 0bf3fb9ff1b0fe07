import { StorageError } from '../errors.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** An empty value (index entries carry their data in the key). */
export const EMPTY = new Uint8Array(0);

/** Encodes a record as UTF-8 JSON. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Decodes UTF-8 text, failing loudly on damage. */
export function decodeText(bytes: Uint8Array, key: string): string {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new StorageError('STORAGE_CORRUPTED', `stored value of ${JSON.stringify(key)} is not valid UTF-8`, {
      cause,
      location: key,
    });
  }
}

export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Decodes a JSON record and checks it is an object with the listed fields, so damaged data is a
 * clear `STORAGE_CORRUPTED` naming the key instead of a wrong answer later.
 */
export function decodeJson<T>(bytes: Uint8Array, key: string, fields: readonly string[]): T {
  let value: unknown;
  try {
    value = JSON.parse(decodeText(bytes, key));
  } catch (cause) {
    if (cause instanceof StorageError) throw cause;
    throw new StorageError('STORAGE_CORRUPTED', `stored value of ${JSON.stringify(key)} is not valid JSON`, {
      cause,
      location: key,
    });
  }
  if (typeof value !== 'object' || value === null) {
    throw new StorageError('STORAGE_CORRUPTED', `stored value of ${JSON.stringify(key)} is not a record`, {
      location: key,
    });
  }
  for (const f of fields) {
    if (!(f in value)) {
      throw new StorageError('STORAGE_CORRUPTED', `stored record ${JSON.stringify(key)} lacks field ${f}`, {
        location: key,
      });
    }
  }
  return value as T;
}

/** Decodes a stored counter. */
export function decodeCounter(bytes: Uint8Array | undefined, key: string): number {
  if (bytes === undefined) return 0;
  const n = Number(decodeText(bytes, key));
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new StorageError(
      'STORAGE_CORRUPTED',
      `counter ${key} holds ${JSON.stringify(decodeText(bytes, key))}`,
      {
        location: key,
      },
    );
  }
  return n;
}
