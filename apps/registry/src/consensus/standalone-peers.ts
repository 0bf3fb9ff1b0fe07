import type { PeerLayer } from './peer-layer.js';
import { noPeerNetwork, noPeerTransport, selfOnlyMembers } from './self-only.js';

/**
 * A standalone member's Raft id. Not derived from its address like cluster members' ids: a
 * standalone server restarted on another port or IP must still be the only voter of its own log.
 */
export const STANDALONE_NODE_ID = 1;

/** The peer layer of a standalone member: a one-voter group and no network. */
export function standalonePeers(selfAddress: string): PeerLayer {
  const selfId = STANDALONE_NODE_ID;
  return {
    selfId,
    voters: [selfId],
    addressOf: (id) => (id === selfId ? selfAddress : undefined),
    listed: () => undefined,
    raftTransport: noPeerTransport(),
    link: undefined,
    members: selfOnlyMembers(selfAddress),
    networkFor: () => noPeerNetwork(),
    start: async () => undefined,
    close: async () => undefined,
  };
}
