import { Gauge, Registry } from 'prom-client';
import type { Consensus } from '../consensus/consensus.js';
import type { RegistryModuleContext } from '../registry.js';
import { ConfigCollector, countConfigs } from './config-collector.js';
import { processMetrics } from './default-metrics.js';
import { DistroCollector } from './distro-collector.js';
import { HttpMetrics } from './http-metrics.js';
import { countInstances, NamingCollector } from './naming-collector.js';
import { RaftCollector } from './raft-collector.js';

/**
 * One registry's metrics. Modules of the same registry find it through their context (keyed by
 * its consensus plane), so several registries in one process (tests, in-process clusters) each
 * keep their own numbers.
 */
export class RegistryMetrics {
  readonly registry = new Registry();
  readonly http = new HttpMetrics(this.registry);
  readonly naming = new NamingCollector(this.registry);
  readonly config = new ConfigCollector(this.registry);
  readonly distro = new DistroCollector(this.registry);
  #raft: RaftCollector | undefined;

  constructor() {
    const naming = this.naming;
    const config = this.config;
    let raft: () => RaftCollector | undefined = () => undefined;
    // Nacos' own gauge, so dashboards built for Nacos (nacos_monitor{module,name}) find their series.
    new Gauge({
      name: 'nacos_monitor',
      help: 'Nacos-compatible gauges (serviceCount, ipCount, subscriberCount, leaderStatus, configCount, longPolling)',
      labelNames: ['module', 'name'],
      registers: [this.registry],
      async collect() {
        const n = naming.naming;
        const counts = n === undefined ? undefined : countInstances(n);
        this.set({ module: 'naming', name: 'serviceCount' }, counts?.services ?? 0);
        this.set({ module: 'naming', name: 'ipCount' }, counts?.instances ?? 0);
        this.set({ module: 'naming', name: 'subscriberCount' }, n?.push.subscribers().length ?? 0);
        this.set({ module: 'naming', name: 'leaderStatus' }, raft()?.isLeader() ? 1 : 0);
        const c = config.config;
        this.set({ module: 'config', name: 'longPolling' }, c?.hub.size ?? 0);
        this.set({ module: 'config', name: 'configCount' }, c === undefined ? 0 : await countConfigs(c));
      },
    });
    raft = () => this.#raft;
  }

  /** Starts the Raft collector (it samples the leader on a timer until `close`). */
  startRaft(consensus: Consensus): void {
    this.#raft ??= new RaftCollector(this.registry, consensus);
  }

  /** The exposition text: process metrics, then this registry's. */
  async text(): Promise<string> {
    const [processText, own] = await Promise.all([processMetrics().metrics(), this.registry.metrics()]);
    return `${processText}\n${own}`;
  }

  close(): void {
    this.#raft?.stop();
  }
}

const byRegistry = new WeakMap<Consensus, RegistryMetrics>();

/** The metrics of the registry `context` belongs to, created by whichever module asks first. */
export function metricsFor(context: RegistryModuleContext): RegistryMetrics {
  let metrics = byRegistry.get(context.consensus);
  if (metrics === undefined) {
    metrics = new RegistryMetrics();
    byRegistry.set(context.consensus, metrics);
  }
  return metrics;
}
