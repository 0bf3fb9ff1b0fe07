import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { parseServiceKeyString } from '../naming/names.js';
import type { NamingModuleHandle } from '../naming/naming-module.js';

/** A counter whose value is read from a monotonic number kept elsewhere, at scrape time. */
function mirroredCounter(
  registry: Registry,
  name: string,
  help: string,
  read: () => number | undefined,
): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read();
      this.reset();
      if (value !== undefined) this.inc(value);
    },
  });
}

/** Instance counts by kind and health, computed on demand (one pass over every service). */
export interface InstanceCounts {
  readonly services: number;
  readonly instances: number;
  readonly byKind: ReadonlyMap<string, number>;
}

export function countInstances(naming: NamingModuleHandle): InstanceCounts {
  const byKind = new Map<string, number>();
  let services = 0;
  let instances = 0;
  for (const id of naming.core.serviceIds()) {
    const key = parseServiceKeyString(id);
    if (key === undefined) continue;
    services++;
    for (const instance of naming.core.instances(key)) {
      instances++;
      const kind = `${instance.ephemeral}/${instance.healthy}`;
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    }
  }
  return { services, instances, byKind };
}

/**
 * Naming metrics: gauges computed from the naming core at scrape time, counters mirrored from
 * `NamingMetrics`, and the push latency histogram fed by its hook. Before the naming module
 * started (or without it) the gauges read 0 and the counters are absent.
 */
export class NamingCollector {
  #naming: NamingModuleHandle | undefined;
  readonly #pushLatency: Histogram;

  constructor(registry: Registry) {
    const naming = () => this.#naming;
    new Gauge({
      name: 'reg_naming_services',
      help: 'Services known to this member (persistent or with ephemeral instances)',
      registers: [registry],
      collect() {
        const n = naming();
        this.set(n === undefined ? 0 : n.core.serviceIds().size);
      },
    });
    new Gauge({
      name: 'reg_naming_instances',
      help: 'Instances by kind (ephemeral true/false) and health',
      labelNames: ['ephemeral', 'healthy'],
      registers: [registry],
      collect() {
        const n = naming();
        const counts = n === undefined ? new Map<string, number>() : countInstances(n).byKind;
        for (const ephemeral of ['true', 'false']) {
          for (const healthy of ['true', 'false']) {
            this.set({ ephemeral, healthy }, counts.get(`${ephemeral}/${healthy}`) ?? 0);
          }
        }
      },
    });
    new Gauge({
      name: 'reg_naming_subscribers',
      help: 'Push subscribers (clients that listed a service with a udpPort and keep polling)',
      registers: [registry],
      collect() {
        this.set(naming()?.push.subscribers().length ?? 0);
      },
    });
    const m = () => this.#naming?.metrics;
    mirroredCounter(registry, 'reg_naming_beats_total', 'Client beats answered', () => m()?.beats);
    mirroredCounter(
      registry,
      'reg_naming_registrations_total',
      'Instance registrations (re-registrations included)',
      () => m()?.registrations,
    );
    mirroredCounter(
      registry,
      'reg_naming_deregistrations_total',
      'Instance deregistrations',
      () => m()?.deregistrations,
    );
    mirroredCounter(
      registry,
      'reg_naming_expired_unhealthy_total',
      'Ephemeral instances marked unhealthy for missing beats',
      () => m()?.expiredUnhealthy,
    );
    mirroredCounter(
      registry,
      'reg_naming_expired_removed_total',
      'Ephemeral instances removed for missing beats',
      () => m()?.expiredRemoved,
    );
    mirroredCounter(
      registry,
      'reg_naming_health_flips_total',
      'Persistent instance health flips committed by server-side checks',
      () => m()?.healthFlips,
    );
    mirroredCounter(
      registry,
      'reg_naming_pushes_total',
      'Push datagrams sent (retries included)',
      () => m()?.pushSent,
    );
    mirroredCounter(
      registry,
      'reg_naming_push_acks_total',
      'Pushes acknowledged by the client',
      () => m()?.pushAcked,
    );
    mirroredCounter(
      registry,
      'reg_naming_push_failures_total',
      'Pushes given up on (no ack after the retry, or a send error)',
      () => m()?.pushFailed,
    );
    this.#pushLatency = new Histogram({
      name: 'reg_naming_push_latency_seconds',
      help: 'From a service change to the subscriber acknowledging the push',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 20],
      registers: [registry],
    });
  }

  attach(naming: NamingModuleHandle): void {
    this.#naming = naming;
    naming.metrics.onPushLatency = (ms) => this.#pushLatency.observe(ms / 1000);
  }

  get naming(): NamingModuleHandle | undefined {
    return this.#naming;
  }
}
