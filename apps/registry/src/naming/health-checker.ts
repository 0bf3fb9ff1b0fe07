import type { Probe } from './health-probes.js';
import type { InstanceAddress } from './instance-ops.js';
import { defaultCluster, type InstanceRecord, type StoredService } from './model.js';

export interface HealthCheckerDeps {
  /** Checks run on the Raft leader only, which then commits the verdicts. */
  isLeader(): boolean;
  /** Switch `healthCheckEnabled`. */
  enabled(): boolean;
  /** Switch `checkTimes`: consecutive results needed to flip. */
  checkTimes(): number;
  /** Services with persistent instances. */
  targets(): Iterable<{
    key: string;
    service: StoredService | undefined;
    instances: readonly InstanceRecord[];
  }>;
  probe: Probe;
  /** Commits a health flip. */
  report(key: string, at: InstanceAddress, healthy: boolean): Promise<void>;
  onError(err: unknown, key: string): void;
}

export interface HealthCheckerOptions {
  /** Time between check rounds. Nacos spreads TCP checks over 1–5 s; default 2 s. */
  readonly periodMs?: number;
  /** Probes in flight at once. */
  readonly concurrency?: number;
}

export const DEFAULT_HEALTH_CHECK_PERIOD_MS = 2_000;

interface Streak {
  /** The direction the recent results point to. */
  readonly healthy: boolean;
  readonly count: number;
}

/**
 * Server-side checks of persistent instances (TCP by default, HTTP per cluster): an instance
 * flips after `checkTimes` consecutive results the other way (at once on a hard HTTP failure),
 * is never deleted, and `marked` instances (health set by an operator) are left alone.
 */
export class PersistentHealthChecker {
  readonly #deps: HealthCheckerDeps;
  readonly #periodMs: number;
  readonly #concurrency: number;
  readonly #streaks = new Map<string, Streak>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(deps: HealthCheckerDeps, options: HealthCheckerOptions = {}) {
    this.#deps = deps;
    this.#periodMs = options.periodMs ?? DEFAULT_HEALTH_CHECK_PERIOD_MS;
    this.#concurrency = options.concurrency ?? 64;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (!this.#running) this.#running = this.tick().finally(() => (this.#running = undefined));
    }, this.#periodMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One round of probes. */
  async tick(): Promise<void> {
    if (!this.#deps.isLeader() || !this.#deps.enabled()) {
      // A new leader starts counting afresh.
      this.#streaks.clear();
      return;
    }
    const jobs: (() => Promise<void>)[] = [];
    const live = new Set<string>();
    for (const { key, service, instances } of this.#deps.targets()) {
      for (const instance of instances) {
        if (instance.ephemeral || instance.marked) continue;
        const cluster = service?.clusters[instance.clusterName] ?? defaultCluster(instance.clusterName);
        const checker = cluster.healthChecker;
        if (checker.type !== 'TCP' && checker.type !== 'HTTP') continue;
        const port = cluster.useInstancePort4Check ? instance.port : cluster.checkPort;
        const id = `${key}|${instance.ip}:${instance.port}:${instance.clusterName}`;
        live.add(id);
        jobs.push(() => this.#check(id, key, instance, port, checker));
      }
    }
    for (const id of this.#streaks.keys()) if (!live.has(id)) this.#streaks.delete(id);
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) await jobs[next++]?.();
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, jobs.length) }, worker));
  }

  async #check(
    id: string,
    key: string,
    instance: InstanceRecord,
    port: number,
    checker: Parameters<Probe>[2],
  ): Promise<void> {
    const result = await this.#deps.probe(instance.ip, port, checker);
    const healthy = result === 'ok';
    if (healthy === instance.healthy) {
      this.#streaks.delete(id);
      return;
    }
    const previous = this.#streaks.get(id);
    const count = previous?.healthy === healthy ? previous.count + 1 : 1;
    // A hard HTTP failure (neither the expected status nor 503/302) flips at once.
    const hardFail = result === 'fail' && checker.type === 'HTTP';
    if (!hardFail && count < this.#deps.checkTimes()) {
      this.#streaks.set(id, { healthy, count });
      return;
    }
    this.#streaks.delete(id);
    const at = { ip: instance.ip, port: instance.port, clusterName: instance.clusterName };
    await this.#deps.report(key, at, healthy).catch((err: unknown) => this.#deps.onError(err, key));
  }
}
