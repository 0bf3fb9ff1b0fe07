import type { Cluster } from '../../cluster/harness/cluster.js';
import { httpCall } from '../../cluster/harness/http-client.js';
import type { SeededRandom } from '../seeded-random.js';

const OP_TIMEOUT_MS = 3_000;
const IP = '127.0.0.1';

type Fate = 'registered' | 'deregistered' | 'unknown-register' | 'unknown-deregister';

/**
 * Persistent instances (`ephemeral=false`, CP through Raft) registered and deregistered at random
 * members; every instance has its own port, so each is written at most twice. Naming reads are
 * local on purpose (as in Nacos), so this workload checks durability and convergence rather than
 * linearizability: once quiet, every member lists exactly the same instances, every acknowledged
 * registration not deregistered is there, and no acknowledged deregistration is.
 */
export class PersistentInstanceWorkload {
  readonly fates = new Map<number, Fate>();
  readonly unexpected: string[] = [];
  #stopped = false;
  #loops: Promise<void>[] = [];
  #nextPort = 40_000;

  constructor(
    private readonly cluster: Cluster,
    private readonly rng: SeededRandom,
    private readonly options: {
      readonly clients: number;
      readonly service: string;
      readonly thinkMs?: number;
    },
  ) {}

  /**
   * Creates the service and waits until every member has applied it. The register route checks
   * the service locally, without a read barrier, before a deregistration; starting with the
   * service everywhere keeps this workload on the Raft path (known-failures.md, KF-2, covers the
   * other case).
   */
  async prepare(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let created = false;
    while (Date.now() < deadline) {
      const members = this.cluster.running();
      if (!created) {
        const out = await httpCall((members[0] ?? this.cluster.members[0])!.port, {
          method: 'POST',
          path: '/nacos/v1/ns/service',
          query: { serviceName: this.options.service, protectThreshold: '0' },
          timeoutMs: OP_TIMEOUT_MS,
        });
        created = out.kind === 'answered' && (out.status === 200 || out.text.includes('already exists'));
      }
      if (created) {
        const seen = await Promise.all(
          members.map((m) =>
            httpCall(m.port, {
              method: 'GET',
              path: '/nacos/v1/ns/service',
              query: { serviceName: this.options.service },
              timeoutMs: OP_TIMEOUT_MS,
            }),
          ),
        );
        if (seen.every((o) => o.kind === 'answered' && o.status === 200)) return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`service ${this.options.service} not on every member within ${timeoutMs} ms`);
  }

  start(): void {
    for (let c = 0; c < this.options.clients; c++) this.#loops.push(this.#client(this.rng.fork(200 + c)));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#loops);
  }

  get acknowledged(): number {
    return [...this.fates.values()].filter((f) => f === 'registered' || f === 'deregistered').length;
  }

  async #client(rng: SeededRandom): Promise<void> {
    while (!this.#stopped) {
      const member = rng.pick(this.cluster.members);
      const registered = [...this.fates].filter(([, f]) => f === 'registered').map(([p]) => p);
      const deregister = registered.length > 0 && rng.next() < 0.3;
      const port = deregister ? rng.pick(registered) : this.#nextPort++;
      if (deregister) this.fates.set(port, 'unknown-deregister');
      const out = await httpCall(member.port, {
        method: deregister ? 'DELETE' : 'POST',
        path: '/nacos/v1/ns/instance',
        query: { serviceName: this.options.service, ip: IP, port: String(port), ephemeral: 'false' },
        timeoutMs: OP_TIMEOUT_MS,
      });
      const ok = out.kind === 'answered' && out.status === 200 && out.text === 'ok';
      if (deregister) {
        if (ok) this.fates.set(port, 'deregistered');
        else if (out.kind === 'refused') this.fates.set(port, 'registered');
      } else if (ok) this.fates.set(port, 'registered');
      else if (out.kind !== 'refused') this.fates.set(port, 'unknown-register');
      if (out.kind === 'answered' && out.status >= 400 && out.status < 500)
        this.unexpected.push(
          `persistent ${deregister ? 'deregister' : 'register'} at m${member.index}: ${out.status} ${out.text.slice(0, 200)}`,
        );
      if (this.options.thinkMs) await new Promise((r) => setTimeout(r, this.options.thinkMs));
    }
  }

  /** The ports a member lists for the service, or undefined without an answer. */
  async listed(port: number): Promise<Set<number> | undefined> {
    const out = await httpCall(port, {
      method: 'GET',
      path: '/nacos/v1/ns/instance/list',
      query: { serviceName: this.options.service, healthyOnly: 'false' },
      timeoutMs: OP_TIMEOUT_MS,
    });
    if (out.kind !== 'answered' || out.status !== 200) return undefined;
    const body = JSON.parse(out.text) as { hosts: { ip: string; port: number }[] };
    return new Set(body.hosts.filter((h) => h.ip === IP).map((h) => h.port));
  }

  /** What is wrong with one member's list, given the fates (empty when nothing is). */
  problemsIn(listed: ReadonlySet<number>, member: number): string[] {
    const problems: string[] = [];
    for (const [port, fate] of this.fates) {
      if (fate === 'registered' && !listed.has(port))
        problems.push(`m${member} lost acknowledged persistent instance ${port}`);
      if (fate === 'deregistered' && listed.has(port))
        problems.push(`m${member} still lists deregistered persistent instance ${port}`);
    }
    for (const port of listed) {
      if (!this.fates.has(port))
        problems.push(`m${member} lists persistent instance ${port} nobody registered`);
    }
    return problems;
  }

  /**
   * Waits (up to `timeoutMs`) until every running member lists the same set and that set fits
   * the fates; gives back the problems still seen at the deadline.
   */
  async converge(timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let problems: string[] = ['not checked'];
    while (Date.now() < deadline) {
      const members = this.cluster.running();
      const lists = await Promise.all(members.map((m) => this.listed(m.port)));
      problems = [];
      lists.forEach((list, i) => {
        const m = members[i];
        if (!m) return;
        if (!list) problems.push(`m${m.index} did not answer the instance list`);
        else problems.push(...this.problemsIn(list, m.index));
      });
      const sets = lists.filter((l) => l !== undefined).map((l) => [...l].sort((a, b) => a - b).join(','));
      if (new Set(sets).size > 1)
        problems.push(`members list different persistent instances: ${sets.join(' | ')}`);
      if (problems.length === 0) return [];
      await new Promise((r) => setTimeout(r, 250));
    }
    return problems;
  }
}
