/** Member states, as Nacos names them (`core/cluster/NodeState.java`). */
export type MemberState = 'STARTING' | 'UP' | 'SUSPICIOUS' | 'DOWN' | 'ISOLATION';

/** A cluster member in the JSON shape Nacos 1.4 serves from `/v1/core/cluster/*`. */
export interface MemberJson {
  readonly ip: string;
  readonly port: number;
  readonly state: MemberState;
  readonly extendInfo: Readonly<Record<string, unknown>>;
  /** `ip:port`, IPv6 in brackets. */
  readonly address: string;
  readonly failAccessCnt: number;
}

/** What the HTTP layer needs to know about the cluster. Membership implements it later. */
export interface ClusterView {
  self(): MemberJson;
  /** Every known member, self included, sorted by address. */
  members(): readonly MemberJson[];
  /**
   * Records a peer's health report (`POST /v1/core/cluster/report`). Returns false for a sender
   * that is not a member; throws on a body that is not member JSON. Absent in standalone mode.
   */
  report?(body: unknown): boolean;
}

/** The Nacos API level this server speaks; clients compare member versions against it. */
export const NACOS_API_VERSION = '1.4.2';

export function memberAddress(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** A standalone server's view: itself, always UP while it serves. */
export function selfOnlyCluster(options: {
  ip: string;
  port: number;
  version: string;
  /** Extra fields of `extendInfo` (the Raft view). */
  extendInfo?: () => Readonly<Record<string, unknown>>;
}): ClusterView {
  const startedAt = Date.now();
  const self = (): MemberJson => ({
    ip: options.ip,
    port: options.port,
    state: 'UP',
    extendInfo: {
      lastRefreshTime: Date.now(),
      raftPort: String(options.port - 1000),
      version: NACOS_API_VERSION,
      regVersion: options.version,
      startedAt,
      ...options.extendInfo?.(),
    },
    address: memberAddress(options.ip, options.port),
    failAccessCnt: 0,
  });
  return { self, members: () => [self()] };
}
