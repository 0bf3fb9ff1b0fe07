/**
 * Raft node ids from member addresses. Raft wants positive integers; members are `ip:port`. Every
 * member derives the same id for an address on its own, so ids need no coordination and survive
 * restarts: FNV-1a (64-bit) over the address's UTF-8 bytes, xor-folded to 48 bits (a safe
 * integer), 0 mapped to 1. Two addresses with one id would be one voter: checked at start.
 */
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = (1n << 64n) - 1n;
const MASK_48 = (1n << 48n) - 1n;

export function raftNodeIdOf(address: string): number {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(address)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  const folded = Number((hash >> 48n) ^ (hash & MASK_48));
  return folded === 0 ? 1 : folded;
}

/** Thrown when two member addresses hash to one Raft id. */
export class NodeIdCollisionError extends Error {
  override name = 'NodeIdCollisionError';
}

/** Ids of `addresses`, in order; throws when two of them collide. */
export function raftNodeIds(
  addresses: readonly string[],
  idOf: (address: string) => number = raftNodeIdOf,
): Map<string, number> {
  const ids = new Map<string, number>();
  const owners = new Map<number, string>();
  for (const address of addresses) {
    const id = idOf(address);
    const other = owners.get(id);
    if (other !== undefined && other !== address) {
      throw new NodeIdCollisionError(
        `members ${other} and ${address} map to the same Raft node id ${id}; change one member's address or port`,
      );
    }
    owners.set(id, address);
    ids.set(address, id);
  }
  return ids;
}
