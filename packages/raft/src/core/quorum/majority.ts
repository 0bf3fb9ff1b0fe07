import type { NodeId } from '../types.js';

/** Outcome of a vote count. */
export type VoteResult = 'won' | 'lost' | 'pending';

/**
 * The largest index acknowledged by a majority of `voters`, given each voter's match index.
 * An empty configuration commits everything (so that a joint configuration with an empty half
 * defers to the other half, issue 4).
 */
export function committedIndex(voters: readonly NodeId[], matchOf: (id: NodeId) => number): number {
  const n = voters.length;
  if (n === 0) return Number.MAX_SAFE_INTEGER;
  if (n === 1) return matchOf(voters[0]!);
  const matches = new Array<number>(n);
  for (let i = 0; i < n; i++) matches[i] = matchOf(voters[i]!);
  matches.sort((a, b) => a - b);
  // With matches ascending, the element at n - quorum is acknowledged by exactly `quorum` voters
  // (itself and everything above it).
  const quorum = (n >> 1) + 1;
  return matches[n - quorum]!;
}

/**
 * Counts `votes` (true = granted) among `voters`: won once a majority granted, lost once a
 * majority can no longer be reached, pending otherwise. Votes from non-voters are ignored.
 */
export function voteResult(voters: readonly NodeId[], votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  const n = voters.length;
  if (n === 0) return 'won';
  const quorum = (n >> 1) + 1;
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  if (granted >= quorum) return 'won';
  if (granted + missing >= quorum) return 'pending';
  return 'lost';
}
