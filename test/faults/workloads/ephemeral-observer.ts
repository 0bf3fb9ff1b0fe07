import type { Cluster } from '../../cluster/harness/cluster.js';
import { httpCall } from '../../cluster/harness/http-client.js';
import type { EphemeralInstance, EphemeralInstanceWorkload } from './ephemeral-instances.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** port -> healthy, per service, as one member lists them. */
type Listing = Map<string, Map<number, boolean>>;

/**
 * Watches every member's ephemeral instance lists while a scenario runs and afterwards.
 * - Resurrection: once a member was seen without an instance whose deregistration was
 *   acknowledged, it must never list it again (unless a beat of it went unanswered: the server
 *   may act on that beat late and re-register it, as Nacos would, so such instances only have to
 *   be gone in the end).
 * - Convergence: after the faults, within a bound, every member lists exactly the beating
 *   instances, all healthy; then it stays so (no beating instance lost, nothing comes back).
 */
export class EphemeralObserver {
  readonly violations: string[] = [];
  polls = 0;
  readonly #deletedAt = new Map<EphemeralInstance, number>();
  /** member/instance -> when it was first seen absent after the deletion, and in which process start. */
  readonly #seenAbsent = new Map<string, { at: number; start: number }>();
  readonly #began = Date.now();
  #running = false;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly workload: EphemeralInstanceWorkload,
  ) {}

  deleted(instance: EphemeralInstance): void {
    this.#deletedAt.set(instance, Date.now());
  }

  /** Polls every `intervalMs` in the background to catch resurrections during the faults. */
  start(intervalMs = 500): void {
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        await this.#poll();
        await sleep(intervalMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  async #listing(port: number): Promise<Listing | undefined> {
    const services = new Set(this.workload.instances.map((i) => i.service));
    const listing: Listing = new Map();
    for (const service of services) {
      const out = await httpCall(port, {
        method: 'GET',
        path: '/nacos/v1/ns/instance/list',
        query: { serviceName: service, healthyOnly: 'false' },
        timeoutMs: 2_000,
      });
      if (out.kind !== 'answered' || out.status !== 200) return undefined;
      const body = JSON.parse(out.text) as { hosts: { port: number; healthy: boolean }[] };
      listing.set(service, new Map(body.hosts.map((h) => [h.port, h.healthy])));
    }
    return listing;
  }

  /** One round over the running members; gives back each member's problems with the end state. */
  async #poll(): Promise<Map<number, string[]>> {
    this.polls++;
    const problems = new Map<number, string[]>();
    const members = this.cluster.readyMembers();
    await Promise.all(
      members.map(async (m) => {
        const began = Date.now();
        const listing = await this.#listing(m.port);
        if (!listing) {
          problems.set(m.index, [`m${m.index} did not answer its instance lists`]);
          return;
        }
        const mine: string[] = [];
        const known = new Set<string>();
        for (const instance of this.workload.instances) {
          const id = `${instance.service}:${instance.port}`;
          known.add(id);
          const healthy = listing.get(instance.service)?.get(instance.port);
          if (instance.state === 'beating' && healthy !== true)
            mine.push(
              `m${m.index} ${healthy === undefined ? 'lacks' : 'lists unhealthy'} beating instance ${id}`,
            );
          if ((instance.state === 'deleted' || instance.state === 'abandoned') && healthy !== undefined)
            mine.push(`m${m.index} still lists ${instance.state} instance ${id}`);
          const deletedAt = this.#deletedAt.get(instance);
          if (deletedAt === undefined || began < deletedAt) continue;
          const key = `${m.index}/${id}`;
          const absent = this.#seenAbsent.get(key);
          if (healthy === undefined) {
            if (!absent) this.#seenAbsent.set(key, { at: began, start: m.starts });
          } else if (absent && instance.unsettledWrites === 0) {
            const t = (ms: number) => `${ms - this.#began} ms`;
            this.violations.push(
              `resurrection: m${m.index} lists ${id} again (deleted at ${t(deletedAt)}, seen gone at ${t(absent.at)} in start ${absent.start}, back at ${t(began)} in start ${m.starts})`,
            );
            this.#seenAbsent.delete(key);
          }
        }
        for (const [service, hosts] of listing) {
          for (const port of hosts.keys()) {
            if (!known.has(`${service}:${port}`))
              mine.push(`m${m.index} lists unknown instance ${service}:${port}`);
          }
        }
        problems.set(m.index, mine);
      }),
    );
    return problems;
  }

  /**
   * Waits until every running member holds exactly the beating instances (bounded by
   * `timeoutMs`), then requires it to hold for `stableMs`. Gives back how long convergence took.
   */
  async converge(timeoutMs: number, stableMs: number): Promise<{ convergedMs: number | undefined }> {
    await this.stop();
    const began = Date.now();
    let last: string[] = [];
    let convergedMs: number | undefined;
    while (Date.now() - began < timeoutMs) {
      last = [...(await this.#poll()).values()].flat();
      if (last.length === 0) {
        convergedMs = Date.now() - began;
        break;
      }
      await sleep(250);
    }
    if (convergedMs === undefined) {
      this.violations.push(
        `no convergence within ${timeoutMs} ms: ${last.slice(0, 10).join('; ')}${last.length > 10 ? ` (+${last.length - 10})` : ''}`,
      );
      return { convergedMs };
    }
    const stableUntil = Date.now() + stableMs;
    while (Date.now() < stableUntil) {
      await sleep(300);
      const now = [...(await this.#poll()).values()].flat();
      if (now.length > 0) {
        this.violations.push(`after convergence: ${now.slice(0, 10).join('; ')}`);
        break;
      }
    }
    return { convergedMs };
  }
}
