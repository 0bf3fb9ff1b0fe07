/** One member of the example cluster: Raft id, peer (WebSocket) port and HTTP port. */
export interface KvMember {
  readonly id: number;
  readonly host: string;
  readonly raftPort: number;
  readonly httpPort: number;
}

/**
 * Parses `1=127.0.0.1:7101:8101,2=...`: `id=host:raftPort:httpPort` per member. Throws a
 * RangeError naming every bad entry.
 */
export function parseMembers(text: string): KvMember[] {
  const members: KvMember[] = [];
  const problems: string[] = [];
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const m = /^\s*([1-9][0-9]*)=([^:\s]+):([0-9]+):([0-9]+)\s*$/.exec(part);
    const raftPort = Number(m?.[3]);
    const httpPort = Number(m?.[4]);
    if (!m || raftPort < 1 || raftPort > 65535 || httpPort < 1 || httpPort > 65535) {
      problems.push(`${JSON.stringify(part)}: expected id=host:raftPort:httpPort`);
      continue;
    }
    members.push({ id: Number(m[1]), host: m[2]!, raftPort, httpPort });
  }
  if (new Set(members.map((m) => m.id)).size !== members.length) problems.push('member ids must be unique');
  if (members.length === 0) problems.push('no members');
  if (problems.length) throw new RangeError(problems.join('; '));
  return members;
}
