import type { DistroMessage, DistroNetwork, MemberView } from '@reg/distro';
import type { MemberTable } from '@reg/membership';
import type { Message, NodeId } from '@reg/raft';
import { channelTransport, type TransportError, WsTransport } from '@reg/transport-ws';
import type { Logger } from 'pino';
import { decodeCommand } from '../consensus/command-codec.js';
import { type Outcome, toWire, type WireOutcome } from '../consensus/cp-errors.js';
import type { DistroPlane } from '../consensus/distro-plane.js';
import { type LeaderLink, LeaderUnreachableError } from '../consensus/leader-link.js';
import type { PeerLayer } from '../consensus/peer-layer.js';
import type { RaftConsensus } from '../consensus/raft-consensus.js';
import { raftNodeIdOf, raftNodeIds } from './raft-node-id.js';

/** Channels on the cluster port, besides `distro/<engine>`. */
export const RAFT_CHANNEL = 'raft';
export const CP_CHANNEL = 'cp';

export interface ClusterPeersOptions {
  readonly table: MemberTable;
  readonly secret: string;
  /** Where the cluster port binds (`server.address`, else every interface). */
  readonly bindHost: string;
  readonly clusterPort: number;
  readonly logger: Logger;
}

/** A member's cluster port, as Nacos: its HTTP port minus 1000. */
function peerAddressOf(member: { ip: string; port: number }) {
  return { host: member.ip, port: member.port - 1000 };
}

/** Transport errors that mean the request never left this member. */
const NOT_SENT = new Set([
  'TRANSPORT_PEER_UNREACHABLE',
  'TRANSPORT_QUEUE_OVERFLOW',
  'TRANSPORT_UNKNOWN_PEER',
]);

/**
 * The peer layer of a cluster member: one authenticated WebSocket transport on the cluster port
 * (`server.port - 1000`) carrying Raft (`raft`), forwarded CP work (`cp`) and each Distro engine
 * (`distro/<name>`). Peers follow the member table (cluster.conf edits add and remove them); a
 * fresh group's voters are the members listed at its first start, later the leader makes the Raft
 * configuration follow the table (see `voter-reconciler.ts`). Member ids are `ip:port` addresses; Raft node ids
 * derive from them (see `raft-node-id.ts`).
 */
export function clusterPeers(options: ClusterPeersOptions): PeerLayer {
  const { table, logger } = options;
  const members = table.list();
  const ids = raftNodeIds(members.map((m) => m.address));
  const addressById = new Map([...ids].map(([address, id]) => [id, address]));
  const selfAddress = table.self.address;
  const selfId = ids.get(selfAddress) as NodeId;
  const log = logger.child({ component: 'cluster-transport' });

  // Members listed later get their ids when first seen; addresses of members that left are kept,
  // since the Raft log may still name them until the leader removed them.
  const collisions = new Set<string>();
  const idFor = (address: string): NodeId | undefined => {
    const known = ids.get(address);
    if (known !== undefined) return known;
    const id = raftNodeIdOf(address);
    const owner = addressById.get(id);
    if (owner !== undefined) {
      if (!collisions.has(address)) {
        collisions.add(address);
        log.error(
          { member: address, other: owner, id },
          'member maps to the Raft node id of another member; it stays out of the Raft group (change its address or port)',
        );
      }
      return undefined;
    }
    ids.set(address, id);
    addressById.set(id, address);
    return id;
  };

  const transport = new WsTransport({
    id: selfAddress,
    secret: options.secret,
    host: options.bindHost,
    port: options.clusterPort,
    // A config (Nacos maxContent: 10 MiB) travels whole in one Raft entry and one forwarded
    // command; a frame limit below that would leave such an entry unsendable and stall the log.
    maxFrameBytes: 16 * 1024 * 1024,
    peers: members
      .filter((m) => m.address !== selfAddress)
      .map((m) => ({ id: m.address, ...peerAddressOf(m) })),
    logger: log,
  });

  const addressOf = (id: NodeId): string | undefined => addressById.get(id);
  const raftTransport = channelTransport<Message>(transport, {
    channel: RAFT_CHANNEL,
    peerOf: (m) => addressOf(m.to) ?? `unknown raft node ${m.to}`,
  });

  const request = async (leader: string, payload: unknown, timeoutMs: number): Promise<unknown> => {
    try {
      return await transport.request(leader, CP_CHANNEL, payload, { timeoutMs });
    } catch (err) {
      const code = (err as TransportError).code;
      if (NOT_SENT.has(code))
        throw new LeaderUnreachableError(`leader ${leader} is not reachable (${code})`, { cause: err });
      throw err;
    }
  };
  const link: LeaderLink = {
    forward: async (leader, command, timeoutMs) =>
      (await request(leader, { op: 'submit', command }, timeoutMs)) as WireOutcome,
  };

  const healthy = () =>
    table
      .healthy()
      .map((m) => m.address)
      .sort();
  const memberView: MemberView = {
    self: selfAddress,
    healthyMembers: healthy,
    // A restarted member asks these for Distro data before their health reports arrive.
    listedMembers: () => table.list().map((m) => m.address),
    onChange(listener) {
      let last = healthy().join(',');
      const check = () => {
        const now = healthy().join(',');
        if (now === last) return;
        last = now;
        listener();
      };
      const offs = [table.on('stateChange', check), table.on('joined', check), table.on('left', check)];
      return () => {
        for (const off of offs) off();
      };
    },
  };

  const networkFor = (engine: string): DistroNetwork => {
    const channel = `distro/${engine}`;
    return {
      send(to, message) {
        transport.send(to, channel, message);
      },
      request: async (to, message, timeoutMs) =>
        (await transport.request(to, channel, message, { timeoutMs })) as DistroMessage,
    };
  };

  const unsubscribe: (() => void)[] = [];

  return {
    selfId,
    voters: [...ids.values()],
    addressOf,
    listed: () =>
      table
        .list()
        .map((m) => idFor(m.address))
        .filter((id): id is NodeId => id !== undefined),
    raftTransport,
    link,
    members: memberView,
    networkFor,

    async start({ consensus, distro }) {
      transport.onRequest(CP_CHANNEL, (from, payload) => serveCp(consensus, from, payload, log));
      for (const name of distro.names()) serveDistro(transport, distro, name);
      unsubscribe.push(
        table.on('joined', (m) => {
          idFor(m.address);
          log.info({ member: m.address }, 'member joined: connecting');
          transport.addPeer(m.address, peerAddressOf(m));
        }),
        table.on('left', (m) => {
          log.info({ member: m.address }, 'member left: disconnecting');
          transport.removePeer(m.address);
        }),
      );
      await transport.listen();
    },

    async close() {
      for (const off of unsubscribe.splice(0)) off();
      await transport.close();
    },
  };
}

function serveDistro(transport: WsTransport, distro: DistroPlane, name: string): void {
  const channel = `distro/${name}`;
  const engine = distro.engine(name);
  if (engine === undefined) return;
  transport.onRequest(channel, async (from, message) => (await engine.handle(from, message)) ?? null);
  transport.onMessage(channel, (from, message) => {
    // Malformed frames are refused inside handle (DISTRO_BAD_MESSAGE); nothing else to do here.
    engine.handle(from, message).catch(() => undefined);
  });
}

/** The leader's side of `cp`: proposes commands forwarded by followers. */
async function serveCp(
  consensus: RaftConsensus,
  from: string,
  payload: unknown,
  log: Logger,
): Promise<WireOutcome> {
  const request = payload as { op?: unknown; command?: unknown } | null;
  try {
    if (request?.op === 'submit' && request.command instanceof Uint8Array) {
      decodeCommand(request.command); // refuse bytes that are not a command before they reach the log
      const outcome: Outcome = await consensus.proposeEncoded(request.command, { forward: false });
      return toWire(outcome);
    }
    log.warn({ from }, 'refused a malformed cp request');
    return { ok: false, code: null, message: 'malformed cp request' };
  } catch (err) {
    return toWire({ ok: false, error: err as Error });
  }
}
