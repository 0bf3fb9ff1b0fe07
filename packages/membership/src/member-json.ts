import { clusterPortOf } from './address.js';
import type { Member, MemberState } from './member.js';

/** Nacos 1.x member JSON (`/nacos/v1/core/cluster/nodes`, `/self`, and the report body). */
export interface NacosMemberJson {
  readonly ip: string;
  readonly port: number;
  readonly state: MemberState;
  readonly extendInfo: Readonly<Record<string, unknown>>;
  readonly address: string;
  readonly failAccessCnt: number;
}

/**
 * Adds fields to a member's `extendInfo`, e.g. the registry's Raft view
 * (`{ raftMetaData: { role, term, leader, commitIndex } }`). Called on every serialisation; the
 * returned keys override the defaults except `lastRefreshTime`, which stays the table's own.
 */
export type ExtendInfoHook = (member: Member) => Readonly<Record<string, unknown>> | undefined;

/** Options for {@link toNacosJson}. */
export interface NacosJsonOptions {
  /** `extendInfo.version`; default `1.4.2` (what Nacos 1.x clients and consoles expect). */
  readonly version?: string;
  readonly extendInfo?: ExtendInfoHook;
}

/**
 * Serialises a member like Nacos 1.4: `raftPort` as a string (`"7848"`), `version`,
 * `lastRefreshTime` (omitted until first contact), what the member itself last reported, then the
 * hook's fields.
 */
export function toNacosJson(member: Member, options: NacosJsonOptions = {}): NacosMemberJson {
  const extra = options.extendInfo?.(member) ?? {};
  const extendInfo: Record<string, unknown> = {
    ...member.reportedExtendInfo,
    raftPort: String(clusterPortOf(member)),
    version: options.version ?? '1.4.2',
    ...extra,
  };
  if (member.lastRefreshTime === undefined) delete extendInfo.lastRefreshTime;
  else extendInfo.lastRefreshTime = member.lastRefreshTime;
  return {
    ip: member.ip,
    port: member.port,
    state: member.state,
    extendInfo,
    address: member.address,
    failAccessCnt: member.failAccessCnt,
  };
}
