/**
 * Which member is responsible for a key: rendezvous (highest random weight) hashing over the
 * healthy members.
 *
 * Each member gets a score `h(member, key)`; the responsible member has the highest score and the
 * forwarding order is the members by descending score. Nacos uses `abs(hash(key)) % n` over the
 * sorted list, which moves about `(n-1)/n` of all keys whenever `n` changes. Rendezvous hashing
 * moves only the keys of the member that left (spread over the rest) or the ~`1/n` share a new
 * member takes, needs no ring or virtual nodes, and gives every key a full fallback order for
 * free. It costs O(n) hashes per lookup, which is nothing at cluster sizes (3 to a few dozen).
 *
 * The hash is FNV-1a (32-bit) over the UTF-16 code units of `member`, a 0 separator and `key`,
 * finished with the murmur3 32-bit avalanche so that near-identical inputs spread. Ties (equal
 * scores) are broken by the member id. The function is pure and identical on every member, which
 * is what makes every member agree on the owner once their member lists agree.
 */
export function rendezvousScore(member: string, key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < member.length; i++) {
    h ^= member.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= 0;
  h = Math.imul(h, 0x01000193);
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Avalanche: every input bit affects every output bit.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The member responsible for `key` among `members`, or undefined when the list is empty. */
export function responsibleMember(members: readonly string[], key: string): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const m of members) {
    const s = rendezvousScore(m, key);
    if (s > bestScore || (s === bestScore && best !== undefined && m < best)) {
      best = m;
      bestScore = s;
    }
  }
  return best;
}

/** All `members` ordered by preference for `key`: the responsible one first, then the fallbacks. */
export function rankMembers(members: readonly string[], key: string): string[] {
  return members
    .map((m) => ({ m, s: rendezvousScore(m, key) }))
    .sort((a, b) => b.s - a.s || (a.m < b.m ? -1 : a.m > b.m ? 1 : 0))
    .map((x) => x.m);
}
