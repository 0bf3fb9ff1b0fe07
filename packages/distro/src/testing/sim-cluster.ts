import { Distro } from '../distro.js';
import type { DistroOptions } from '../options.js';
import { MemoryDistroStore } from '../store.js';
import { SeededRandom } from './random.js';
import { SimMemberView } from './sim-member-view.js';
import { type LinkFaults, RELIABLE, SimNetwork } from './sim-network.js';
import { SimScheduler } from './sim-scheduler.js';

/** Engine options a {@link SimCluster} passes to every member (it supplies the rest). */
export type SimDistroOptions<V, O> = Omit<DistroOptions<V, O>, 'members' | 'network' | 'scheduler' | 'store'>;

/** One simulated member. */
export interface SimMember<V, O> {
  readonly id: string;
  readonly distro: Distro<V, O>;
  readonly view: SimMemberView;
  readonly store: MemoryDistroStore<V>;
  /** Settles when `start()` does; rejection is recorded, never unhandled. */
  readonly started: Promise<void>;
}

/** Settings of a {@link SimCluster}. */
export interface SimClusterOptions<V, O> {
  /** Member ids (sorted for the views). */
  ids: readonly string[];
  seed: number;
  faults?: LinkFaults;
  distro?: SimDistroOptions<V, O>;
}

/**
 * N Distro members over a {@link SimNetwork} on virtual time, with the failure detector played by
 * the test: `partition` makes each side see only itself, `crash`/`restart` remove and re-add a
 * member. Print `seed` on failure; the same seed replays the same run.
 */
export class SimCluster<V, O = never> {
  readonly scheduler = new SimScheduler();
  readonly random: SeededRandom;
  readonly network: SimNetwork;
  readonly seed: number;
  private readonly members = new Map<string, SimMember<V, O>>();
  private readonly up = new Set<string>();
  private groups: string[][] | undefined;
  private readonly distroOptions: SimDistroOptions<V, O>;

  constructor(opts: SimClusterOptions<V, O>) {
    this.seed = opts.seed;
    this.random = new SeededRandom(opts.seed);
    this.network = new SimNetwork(this.scheduler, this.random, opts.faults ?? RELIABLE);
    this.distroOptions = opts.distro ?? {};
    for (const id of opts.ids) this.up.add(id);
  }

  /** Creates and starts every member, runs until all are ready (bounded), and returns them. */
  async start(maxMs = 120_000): Promise<void> {
    for (const id of [...this.up].sort()) this.launch(id);
    await this.runUntil(() => this.upMembers().every((m) => m.distro.ready), maxMs, 'cluster start');
  }

  /** A running member by id. */
  member(id: string): SimMember<V, O> {
    const m = this.members.get(id);
    if (!m) throw new Error(`no running member ${id}`);
    return m;
  }

  /** Running members, sorted by id. */
  upMembers(): SimMember<V, O>[] {
    return [...this.up].sort().map((id) => this.member(id));
  }

  /** Advances virtual time. */
  run(ms: number): Promise<void> {
    return this.scheduler.runFor(ms);
  }

  /** Runs until `done()` or throws after `maxMs` of virtual time, naming the seed. */
  async runUntil(done: () => boolean, maxMs: number, what: string): Promise<number> {
    const took = await this.scheduler.runUntil(done, maxMs);
    if (took === undefined) throw new Error(`${what} did not happen within ${maxMs} ms (seed=${this.seed})`);
    return took;
  }

  /** Splits the network; each member's view becomes its own group (members not listed are cut off). */
  partition(groups: readonly (readonly string[])[]): void {
    this.groups = groups.map((g) => [...g]);
    this.network.partition(groups);
    this.refreshViews();
  }

  /** Removes the partition; every running member sees every running member again. */
  heal(): void {
    this.groups = undefined;
    this.network.heal();
    this.refreshViews();
  }

  /** Stops member `id` as a crash would: its state is gone, peers see it DOWN. */
  crash(id: string): void {
    const m = this.member(id);
    m.distro.stop();
    this.network.unregister(id);
    this.members.delete(id);
    this.up.delete(id);
    this.refreshViews();
  }

  /** Starts member `id` with an empty store (a restart, or a new member joining). */
  join(id: string): SimMember<V, O> {
    if (this.members.has(id)) throw new Error(`member ${id} is already running`);
    this.up.add(id);
    const m = this.launch(id);
    this.refreshViews();
    return m;
  }

  /**
   * True when every running member holds the same live keys with the same versions and values
   * (the convergence condition).
   */
  converged(): boolean {
    const [first, ...rest] = this.upMembers();
    if (!first) return true;
    const ref = fingerprint(first.store);
    return rest.every((m) => fingerprint(m.store) === ref);
  }

  /** Stops every member (call in afterEach). */
  stop(): void {
    for (const m of this.members.values()) m.distro.stop();
  }

  private launch(id: string): SimMember<V, O> {
    const view = new SimMemberView(id, this.visibleFrom(id));
    const store = new MemoryDistroStore<V>();
    const distro = new Distro<V, O>({
      ...this.distroOptions,
      members: view,
      network: this.network.endpoint(id),
      scheduler: this.scheduler,
      store,
    });
    this.network.register(id, (from, msg) => distro.handle(from, msg));
    const started = distro.start().catch(() => undefined);
    const member: SimMember<V, O> = { id, distro, view, store, started };
    this.members.set(id, member);
    return member;
  }

  private visibleFrom(id: string): string[] {
    const all = [...this.up];
    if (!this.groups) return all;
    const g = this.groups.find((x) => x.includes(id));
    return g ? all.filter((m) => g.includes(m)) : [id];
  }

  private refreshViews(): void {
    for (const m of this.members.values()) m.view.set(this.visibleFrom(m.id));
  }
}

function fingerprint<V>(store: MemoryDistroStore<V>): string {
  const live: string[] = [];
  for (const [k, e] of store.entries()) {
    if (!e.deleted)
      live.push(`${k}\u0000${e.version.t}.${e.version.c}.${e.version.n}\u0000${JSON.stringify(e.value)}`);
  }
  return live.sort().join('\n');
}
