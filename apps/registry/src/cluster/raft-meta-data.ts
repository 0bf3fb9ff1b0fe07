import type { ConsensusStatus } from '../consensus/consensus.js';

/** The Raft group's name in `raftMetaData.metaDataMap` (Nacos names one entry per group). */
export const CP_GROUP = 'reg_cp';

/** `ip:port` (HTTP) to the Raft endpoint `ip:port-1000`, the address Nacos shows for Raft peers. */
export function raftEndpointOf(memberAddress: string): string {
  const at = memberAddress.lastIndexOf(':');
  return `${memberAddress.slice(0, at)}:${Number(memberAddress.slice(at + 1)) - 1000}`;
}

const ROLE_NAMES: Record<ConsensusStatus['role'], string> = {
  leader: 'LEADER',
  follower: 'FOLLOWER',
  candidate: 'CANDIDATE',
  'pre-candidate': 'PRE_CANDIDATE',
};

/**
 * This member's Raft view in Nacos' `extendInfo.raftMetaData` shape
 * (`{ metaDataMap: { <group>: { leader, raftGroupMember, term } } }`, Raft endpoints as
 * `ip:raftPort`), plus what the console and operators need here: role, the leader's member
 * address, commit and applied index.
 */
export function raftMetaData(
  status: ConsensusStatus,
  groupMembers: readonly string[],
): Record<string, unknown> {
  return {
    raftMetaData: {
      metaDataMap: {
        [CP_GROUP]: {
          leader: status.leader === undefined ? null : raftEndpointOf(status.leader),
          raftGroupMember: groupMembers.map(raftEndpointOf),
          term: status.term,
          role: ROLE_NAMES[status.role],
          leaderMember: status.leader ?? null,
          commitIndex: status.commitIndex,
          appliedIndex: status.appliedIndex,
        },
      },
    },
  };
}
