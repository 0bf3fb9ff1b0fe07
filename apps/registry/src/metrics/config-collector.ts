import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ConfigModuleHandle } from '../config-center/config-module.js';

/** Counts configs in every namespace (public first); one storage count per namespace. */
export async function countConfigs(config: ConfigModuleHandle): Promise<number> {
  const { storage } = config.center;
  let total = await storage.configs.count('');
  for (const ns of await storage.namespaces.list()) total += await storage.configs.count(ns.id);
  return total;
}

/**
 * Config center metrics: configs stored, publishes accepted here, long polls held here, and how
 * long after a change the polls waiting on it were answered.
 */
export class ConfigCollector {
  #config: ConfigModuleHandle | undefined;
  readonly #publishes: Counter;
  readonly #notifyLatency: Histogram;

  constructor(registry: Registry) {
    const config = () => this.#config;
    new Gauge({
      name: 'reg_config_configs',
      help: 'Configs stored, over every namespace',
      registers: [registry],
      async collect() {
        const c = config();
        this.set(c === undefined ? 0 : await countConfigs(c));
      },
    });
    new Gauge({
      name: 'reg_config_long_polls',
      help: 'Listener long polls held by this member',
      registers: [registry],
      collect() {
        this.set(config()?.hub.size ?? 0);
      },
    });
    this.#publishes = new Counter({
      name: 'reg_config_publishes_total',
      help: 'Config publishes accepted by this member (POST /v1/cs/configs answered 200)',
      registers: [registry],
    });
    this.#notifyLatency = new Histogram({
      name: 'reg_config_notify_latency_seconds',
      help: "From a config change (the publishing member's clock) to a held long poll answered with it",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  }

  attach(config: ConfigModuleHandle): void {
    this.#config = config;
    config.hub.onNotified = (ms) => this.#notifyLatency.observe(ms / 1000);
  }

  get config(): ConfigModuleHandle | undefined {
    return this.#config;
  }

  published(): void {
    this.#publishes.inc();
  }
}
