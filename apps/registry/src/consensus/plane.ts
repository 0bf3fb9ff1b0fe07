import { join } from 'node:path';
import { RaftNode } from '@reg/raft';
import type { Storage } from '@reg/storage';
import { LevelLogStorage } from '@reg/storage-level';
import type { Logger } from 'pino';
import type { PlaneSettings } from '../config/plane-settings.js';
import type { Readiness } from '../http/readiness.js';
import type { StorageKind } from '../storage/open-storage.js';
import { type AppliedCheckpoint, fileCheckpoint, kvCheckpoint } from './applied-checkpoint.js';
import { checkedLog, LogBehindStateError } from './checked-log.js';
import { CommandDispatcher } from './command-dispatcher.js';
import type { Outcome } from './cp-errors.js';
import { DistroPlane } from './distro-plane.js';
import { InitialVotersError, initialVoters } from './initial-voters.js';
import type { PeerLayer } from './peer-layer.js';
import { RaftConsensus } from './raft-consensus.js';
import { VoterReconciler } from './voter-reconciler.js';

/** Readiness components the plane reports (`Raft is not in readiness`). */
export const RAFT_COMPONENT = 'Raft';
export const DISTRO_COMPONENT = 'Distro';

/** How long a stopping leader waits for its successor (the whole shutdown has 1.5 s). */
const TRANSFER_BUDGET_MS = 600;

/** Raft ticks per election timeout (so the tick is the timeout / 10). */
const ELECTION_TICKS = 10;

/** Raft's default: compact once this many applied entries are in the log. */
const DEFAULT_COMPACT_AFTER_ENTRIES = 10_000;

/** How long a lone voter's start waits for its own election (it needs one fsync'd vote). */
const SELF_ELECTION_BUDGET_MS = 5_000;

export interface PlaneOptions {
  readonly dataDir: string;
  /** For messages only: the peer port this member listens on. */
  readonly clusterPort: number;
  readonly storage: { readonly kind: StorageKind; readonly storage: Storage };
  readonly settings: PlaneSettings;
  readonly peers: PeerLayer;
  readonly readiness: Readiness;
  readonly logger: Logger;
}

/** Raised when the plane cannot start (the Raft log cannot be opened, say). */
export class PlaneStartError extends Error {
  override name = 'PlaneStartError';
}

/**
 * The CP and AP paths of one member, wired: a Raft node with a durable log under
 * `<dataDir>/raft`, the command dispatcher as its state machine, the Distro engines, and the peer
 * layer carrying them. Modules register on `consensus` and `ephemeral` before `start()`.
 */
export class Plane {
  readonly consensus: RaftConsensus;
  readonly ephemeral: DistroPlane;
  readonly #opts: PlaneOptions;
  readonly #dispatcher: CommandDispatcher;
  readonly #log: LevelLogStorage;
  readonly #logger: Logger;
  #node: RaftNode<Outcome> | undefined;
  #reconciler: VoterReconciler | undefined;

  constructor(options: PlaneOptions) {
    this.#opts = options;
    const { peers, readiness, settings, storage, dataDir } = options;
    this.#logger = options.logger.child({ component: 'plane' });
    const checkpoint: AppliedCheckpoint =
      storage.kind === 'embedded'
        ? kvCheckpoint(storage.storage.kv)
        : fileCheckpoint(join(dataDir, 'raft-applied-index'), (err) =>
            this.#logger.warn({ err }, 'applied index checkpoint unreadable; replaying the whole log'),
          );
    this.#dispatcher = new CommandDispatcher({
      checkpoint,
      logger: this.#logger.child({ component: 'cp' }),
      ...(storage.kind === 'embedded' && storage.storage.snapshot !== undefined
        ? { storageSnapshot: storage.storage.snapshot }
        : {}),
    });
    this.consensus = new RaftConsensus({
      dispatcher: this.#dispatcher,
      addressOf: (id) => peers.addressOf(id),
      timeoutMs: settings.cpTimeoutMs,
      link: peers.link,
      logger: this.#logger,
    });
    this.ephemeral = new DistroPlane({
      members: peers.members,
      networkFor: (name) => peers.networkFor(name),
      logger: options.logger.child({ component: 'distro' }),
      onReady: () => readiness.set(DISTRO_COMPONENT, this.ephemeral.ready()),
    });
    this.#log = new LevelLogStorage({
      location: join(dataDir, 'raft'),
      logger: this.#logger.child({ component: 'raft-log' }),
    });
    readiness.set(RAFT_COMPONENT, false);
    readiness.set(DISTRO_COMPONENT, false);
  }

  /** Member addresses of the Raft group's voters (the configuration in force, from the log). */
  groupMembers(): string[] {
    const { peers } = this.#opts;
    const voters = this.#node?.status().voters ?? peers.voters;
    return voters.map((id) => peers.addressOf(id) ?? String(id));
  }

  /** Loads the checkpoint, starts Raft, the peer layer and the Distro engines. */
  async start(): Promise<void> {
    const { peers, readiness, settings } = this.#opts;
    let applied: number;
    try {
      applied = await this.#dispatcher.load();
    } catch (err) {
      await this.#log.close().catch(() => undefined);
      throw new PlaneStartError(`cannot read the applied index checkpoint: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const logAt = join(this.#opts.dataDir, 'raft');
    let voters: readonly number[];
    try {
      voters = initialVoters(join(this.#opts.dataDir, 'raft-initial-voters.json'), peers.voters);
    } catch (err) {
      await this.#log.close().catch(() => undefined);
      if (err instanceof InitialVotersError) throw new PlaneStartError(err.message, { cause: err });
      throw new PlaneStartError(`cannot record the Raft group's initial voters: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const tickMs = Math.max(1, Math.round(settings.electionTimeoutMs / ELECTION_TICKS));
    const stateMachine = this.#dispatcher.stateMachine();
    const noSnapshots = this.#dispatcher.snapshotsUnavailable();
    this.#logger.info(
      noSnapshots === undefined
        ? {
            snapshots: true,
            compactAfterEntries: settings.snapshotAfterEntries ?? DEFAULT_COMPACT_AFTER_ENTRIES,
          }
        : { snapshots: false, why: noSnapshots },
      noSnapshots === undefined
        ? 'raft log compaction and snapshots on'
        : 'raft log compaction off: the log grows',
    );
    try {
      this.#node = await RaftNode.start<Outcome>({
        id: peers.selfId,
        voters,
        storage: checkedLog(this.#log, () => this.#dispatcher.appliedIndex(), logAt),
        transport: peers.raftTransport,
        stateMachine,
        snapshots:
          noSnapshots === undefined
            ? { compactAfterEntries: settings.snapshotAfterEntries ?? DEFAULT_COMPACT_AFTER_ENTRIES }
            : // Raft would compact a state machine that reports its durable index even without
              // snapshot(); nobody could then catch up from behind the compaction point.
              { compactAfterEntries: Number.MAX_SAFE_INTEGER, compactAfterBytes: Number.MAX_SAFE_INTEGER },
        tickMs,
        electionTick: ELECTION_TICKS,
        heartbeatTick: 1,
        logger: this.#logger.child({ component: 'raft' }),
        onLeaderChange: ({ leader, role, term }) => {
          readiness.set(RAFT_COMPONENT, leader !== 0);
          this.#logger.info({ leader: peers.addressOf(leader) ?? null, role, term }, 'raft leader changed');
        },
      });
    } catch (err) {
      await this.#log.close().catch(() => undefined);
      const cause = (err as Error).cause;
      if (cause instanceof LogBehindStateError) throw new PlaneStartError(cause.message, { cause: err });
      const detail =
        cause instanceof Error ? `${(err as Error).message}: ${cause.message}` : (err as Error).message;
      throw new PlaneStartError(
        `cannot start Raft on the log at ${logAt} (applied index ${applied}): ${detail}`,
        {
          cause: err,
        },
      );
    }
    const foreign = this.#foreignGroup(this.#node);
    if (foreign !== undefined) {
      await this.#node.stop();
      await this.#log.close().catch(() => undefined);
      throw new PlaneStartError(
        `the Raft log at ${logAt} belongs to a group whose voters are ${foreign}, which this standalone member is not one of (the data directory was a cluster member's); start it in cluster mode with that group's cluster.conf, or move the data directory aside to start empty`,
      );
    }
    this.consensus.attach(this.#node);
    try {
      await peers.start({ consensus: this.consensus, distro: this.ephemeral });
    } catch (err) {
      await this.#node.stop();
      await peers.close().catch(() => undefined);
      await this.#log.close().catch(() => undefined);
      const code = (err as { code?: unknown }).code;
      const what =
        code === 'TRANSPORT_LISTEN_FAILED'
          ? `cannot listen on the cluster port ${this.#opts.clusterPort} (server.port - 1000)`
          : 'cannot start the cluster transport';
      const cause =
        (err as Error).cause instanceof Error
          ? ((err as Error).cause as Error).message
          : (err as Error).message;
      throw new PlaneStartError(`${what}: ${cause}`, { cause: err });
    }
    await this.#electLoneVoter(this.#node);
    const node = this.#node;
    if (peers.listed() !== undefined) {
      this.#reconciler = new VoterReconciler({
        node,
        listed: () => peers.listed() ?? [],
        addressOf: (id) => peers.addressOf(id),
        intervalMs: Math.max(50, Math.round(settings.electionTimeoutMs / 4)),
        logger: this.#logger.child({ component: 'raft-membership' }),
      });
      this.#reconciler.start();
    }
    this.ephemeral.start();
    readiness.set(DISTRO_COMPONENT, this.ephemeral.ready());
  }

  /**
   * On a standalone member (fixed membership) whose log's configuration does not hold it as a voter,
   * the voters' ids as text: nobody could ever elect a leader there. Cluster members may legitimately
   * start outside the configuration (a new member joins as a learner), so only standalone is checked.
   */
  #foreignGroup(node: RaftNode<Outcome>): string | undefined {
    if (this.#opts.peers.listed() !== undefined) return undefined;
    const { voters } = node.status();
    if (voters.includes(node.id)) return undefined;
    return `[${voters.join(', ')}]`;
  }

  /**
   * A member that is the group's only voter (standalone) campaigns at once and waits for its
   * election, so the first CP write after start is not refused with REG_NO_LEADER. Members of a
   * larger group start as followers: readiness reports Raft until a leader is known.
   */
  async #electLoneVoter(node: RaftNode<Outcome>): Promise<void> {
    const { voters } = node.status();
    if (voters.length !== 1 || voters[0] !== node.id) return;
    node.campaign();
    const deadline = Date.now() + SELF_ELECTION_BUDGET_MS;
    while (node.role !== 'leader' && node.failure === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    if (node.role !== 'leader') {
      this.#logger.warn(
        { budgetMs: SELF_ELECTION_BUDGET_MS, failure: node.failure?.message },
        'the lone voter did not elect itself in time; CP writes answer 503 until it does',
      );
    }
  }

  /**
   * Graceful stop: Distro, then (on a leader) a bounded leadership transfer so the others need not
   * wait out an election timeout, then Raft and the peer layer; finally the applied index is
   * recorded and the log closed.
   */
  /**
   * On a leader, hands leadership to the most caught-up voter (bounded). Called first on shutdown,
   * before HTTP and the modules close, so the cluster's next leader is not kept waiting on them.
   */
  async handOverLeadership(): Promise<void> {
    if (this.#node !== undefined) await this.#handOverLeadership(this.#node);
  }

  async close(): Promise<void> {
    this.#reconciler?.stop();
    this.ephemeral.stop();
    const node = this.#node;
    if (node !== undefined) {
      await this.#handOverLeadership(node);
      await node.stop();
    }
    await this.#opts.peers.close();
    await this.#dispatcher.flush();
    await this.#log.close();
  }

  async #handOverLeadership(node: RaftNode<Outcome>): Promise<void> {
    if (node.role !== 'leader') return;
    const status = node.status();
    let target = 0;
    let best = -1;
    for (const id of status.voters) {
      const match = status.progress.get(id)?.match ?? -1;
      if (id !== node.id && match > best) {
        target = id;
        best = match;
      }
    }
    if (target === 0) return;
    const { peers } = this.#opts;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      node.transferLeadership(target).then(
        () => 'done',
        (err: unknown) => `failed: ${(err as Error).message}`,
      ),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve('timed out'), TRANSFER_BUDGET_MS);
      }),
    ]);
    clearTimeout(timer);
    this.#logger.info({ to: peers.addressOf(target), outcome }, 'leadership transfer before stop');
  }
}
