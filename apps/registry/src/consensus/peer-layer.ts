import type { DistroNetwork, MemberView } from '@reg/distro';
import type { NodeId, Transport } from '@reg/raft';
import type { DistroPlane } from './distro-plane.js';
import type { LeaderLink } from './leader-link.js';
import type { RaftConsensus } from './raft-consensus.js';

/**
 * What the plane needs from the network: who the Raft voters are, how Raft messages, forwarded
 * commands and Distro frames travel. Standalone has a layer without peers; cluster mode one over
 * the peer transport on the cluster port.
 */
export interface PeerLayer {
  readonly selfId: NodeId;
  /** Voters of a fresh group (the log's own configuration wins after the first start). */
  readonly voters: readonly NodeId[];
  addressOf(id: NodeId): string | undefined;
  /**
   * Raft ids of the members listed now (cluster.conf, which changes at runtime): the leader keeps
   * the Raft configuration equal to them. Undefined when the membership is fixed (standalone).
   */
  listed(): readonly NodeId[] | undefined;
  readonly raftTransport: Transport;
  readonly link: LeaderLink | undefined;
  readonly members: MemberView;
  networkFor(engine: string): DistroNetwork;
  /** Starts serving peers: CP requests go to `consensus`, Distro frames to `distro`'s engines. */
  start(handlers: { consensus: RaftConsensus; distro: DistroPlane }): Promise<void>;
  close(): Promise<void>;
}
