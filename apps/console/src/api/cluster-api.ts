import { callRest } from './http.js';

export interface RaftView {
  readonly leader?: string;
  readonly leaderMember?: string;
  readonly raftGroupMember?: readonly string[];
  readonly term?: number;
  readonly role?: string;
  readonly commitIndex?: number;
  readonly appliedIndex?: number;
}

export interface Member {
  readonly ip: string;
  readonly port: number;
  readonly address: string;
  readonly state: string;
  readonly failAccessCnt: number;
  readonly extendInfo: {
    readonly lastRefreshTime?: number;
    readonly version?: string;
    readonly regVersion?: string;
    readonly raftMetaData?: { readonly metaDataMap?: { readonly reg_cp?: RaftView } };
  };
}

export const listMembers = () => callRest<Member[]>('GET', 'v1/core/cluster/nodes');

export function raftOf(member: Member): RaftView {
  return member.extendInfo.raftMetaData?.metaDataMap?.reg_cp ?? {};
}
