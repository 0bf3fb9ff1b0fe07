import type { RaftConfig } from '../../src/core/config.js';
import { type Message, MessageType } from '../../src/core/messages.js';
import { SeededRandom } from '../../src/core/random.js';
import { RawNode } from '../../src/core/raw-node.js';
import type { ReadState } from '../../src/core/read-only.js';
import { confStateOf, type Entry, EntryType, NONE, type NodeId } from '../../src/core/types.js';

/** Entries with the given terms at indexes 1..n (data = the index, so logs can be compared). */
export function entriesOfTerms(terms: readonly number[], from = 1): Entry[] {
  return terms.map((term, i) => ({
    term,
    index: from + i,
    type: EntryType.Normal,
    data: Uint8Array.of(from + i),
  }));
}

export interface NodeSetup extends Partial<Omit<RaftConfig, 'id' | 'voters' | 'random'>> {
  readonly term?: number;
  readonly vote?: NodeId;
  readonly commit?: number;
  /** Terms of the log entries at 1..n. */
  readonly log?: readonly number[];
  readonly seed?: number;
}

/** A core node in the paper's setting: no PreVote, no CheckQuorum unless asked. */
export function newNode(id: NodeId, voters: readonly NodeId[], s: NodeSetup = {}): RawNode {
  return new RawNode(
    {
      id,
      voters,
      electionTick: s.electionTick ?? 10,
      heartbeatTick: s.heartbeatTick ?? 1,
      preVote: s.preVote ?? false,
      checkQuorum: s.checkQuorum ?? false,
      maxInflightMsgs: s.maxInflightMsgs ?? 256,
      maxSizePerMsg: s.maxSizePerMsg ?? 1024 * 1024,
      ...(s.readOnlyOption === undefined ? {} : { readOnlyOption: s.readOnlyOption }),
      ...(s.maxClockDrift === undefined ? {} : { maxClockDrift: s.maxClockDrift }),
      random: new SeededRandom(s.seed ?? id),
    },
    {
      hardState: { term: s.term ?? 0, vote: s.vote ?? NONE, commit: s.commit ?? 0 },
      snapshot: { index: 0, term: 0, confState: confStateOf(voters) },
      entries: entriesOfTerms(s.log ?? []),
    },
  );
}

/** Read states every node handed out through {@link drain}, in order. */
const readStates = new WeakMap<RawNode, ReadState[]>();

/** Takes (and forgets) the read states `n` handed out so far. */
export function takeReadStates(n: RawNode): ReadState[] {
  const out = readStates.get(n) ?? [];
  readStates.set(n, []);
  return out;
}

/** Takes the node's Ready (as if persisted and applied), advances, and returns its messages. */
export function drain(n: RawNode): Message[] {
  if (!n.hasReady()) return [];
  const rd = n.ready();
  n.advance();
  if (rd.readStates.length > 0) readStates.set(n, [...(readStates.get(n) ?? []), ...rd.readStates]);
  return [...rd.messages];
}

/** Ticks `n` `count` times, collecting messages. */
export function tickN(n: RawNode, count: number): Message[] {
  const out: Message[] = [];
  for (let i = 0; i < count; i++) {
    n.tick();
    out.push(...drain(n));
  }
  return out;
}

/** A message with defaults. */
export function msg(f: Partial<Message> & { type: MessageType; from: NodeId; to: NodeId }): Message {
  return { term: 0, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0, ...f };
}

/**
 * A synchronous network of core nodes (etcd's test network): `send` delivers messages and every
 * answer they cause until nothing is left, skipping cut links and dropped message types.
 */
export class Network {
  readonly nodes = new Map<NodeId, RawNode>();
  readonly #cut = new Set<string>();
  readonly #dropTypes = new Set<MessageType>();
  delivered = 0;
  /** Every message handed to the network, delivered or not. */
  readonly seen: Message[] = [];

  constructor(nodes: readonly RawNode[]) {
    for (const n of nodes) this.nodes.set(n.id, n);
  }

  node(id: NodeId): RawNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  cut(a: NodeId, b: NodeId): void {
    this.#cut.add(`${a}>${b}`);
    this.#cut.add(`${b}>${a}`);
  }

  isolate(id: NodeId): void {
    for (const other of this.nodes.keys()) if (other !== id) this.cut(id, other);
  }

  recover(): void {
    this.#cut.clear();
    this.#dropTypes.clear();
  }

  drop(type: MessageType): void {
    this.#dropTypes.add(type);
  }

  /** Delivers `msgs` and everything they cause, then drains remaining Readies. */
  send(msgs: readonly Message[]): void {
    let queue = [...msgs];
    for (const n of this.nodes.values()) queue.push(...drain(n));
    for (let guard = 0; queue.length > 0; guard++) {
      if (guard > 10000) throw new Error('network did not settle');
      const next: Message[] = [];
      for (const m of queue) {
        this.seen.push(m);
        if (this.#cut.has(`${m.from}>${m.to}`) || this.#dropTypes.has(m.type)) continue;
        const to = this.nodes.get(m.to);
        if (to === undefined) continue;
        this.delivered++;
        to.step(m);
        next.push(...drain(to));
      }
      queue = next;
    }
  }

  /** Makes `id` campaign and lets the election run to completion. */
  campaign(id: NodeId): void {
    const n = this.node(id);
    n.campaign();
    this.send(drain(n));
  }

  /** Proposes on `id` and replicates. */
  propose(id: NodeId, data: Uint8Array): void {
    const n = this.node(id);
    n.propose(data);
    this.send(drain(n));
  }

  /** Terms of node `id`'s log. */
  logTerms(id: NodeId): number[] {
    const n = this.node(id);
    return n.entries(1, n.status().lastIndex + 1).map((e) => e.term);
  }
}

export { MessageType };
