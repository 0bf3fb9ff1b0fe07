import type { CpWriter } from '../consensus/consensus.js';
import { RegistryError } from '../errors.js';
import type { NamingCommand, NamingResult } from './cp-commands.js';
import type { NamingCpState } from './cp-state.js';
import type { EphemeralStore } from './ephemeral-store.js';
import { findInstance, type InstanceAddress, type InstanceOp, type InstancePatch } from './instance-ops.js';
import {
  type ClusterRecord,
  defaultCluster,
  type InstanceRecord,
  implicitService,
  type StoredService,
} from './model.js';
import { type ServiceKey, serviceKeyString } from './names.js';
import type { NamingMetrics } from './naming-metrics.js';
import type { Switches } from './switches.js';

/**
 * The naming operations behind the HTTP routes, over both halves of the data: persistent state
 * (the `naming` CP module: services, persistent instances, clusters, switches) and ephemeral
 * instances (Distro). A service exists when it has persistent settings or an ephemeral key.
 */
export class NamingCore {
  constructor(
    readonly cp: NamingCpState,
    private readonly writer: CpWriter<NamingCommand, NamingResult>,
    readonly ephemeral: EphemeralStore,
    readonly metrics: NamingMetrics,
    readonly now: () => number = Date.now,
  ) {}

  get switches(): Switches {
    return this.cp.switches;
  }

  /** The service's settings: stored, or the defaults of a service known only by its ephemeral instances. */
  service(key: ServiceKey): StoredService | undefined {
    const id = serviceKeyString(key);
    return this.cp.service(id) ?? (this.ephemeral.list(id) !== undefined ? implicitService(key) : undefined);
  }

  /** Persistent instances first, then ephemeral ones. */
  instances(key: ServiceKey): InstanceRecord[] {
    const id = serviceKeyString(key);
    return [...this.cp.instances(id), ...(this.ephemeral.list(id) ?? [])];
  }

  /** Every service key known here (persistent or ephemeral), deduplicated. */
  serviceIds(): Set<string> {
    const ids = new Set<string>(this.cp.serviceKeys());
    for (const [id] of this.ephemeral.entries()) ids.add(id);
    return ids;
  }

  /** Gauges for `/operator/metrics` and exporters: services and instances, and this member's share. */
  counts(): {
    services: number;
    instances: number;
    responsibleServices: number;
    responsibleInstances: number;
  } {
    const out = { services: 0, instances: 0, responsibleServices: 0, responsibleInstances: 0 };
    for (const id of this.serviceIds()) {
      const n = this.cp.instances(id).length + (this.ephemeral.list(id)?.length ?? 0);
      out.services++;
      out.instances += n;
      if (this.ephemeral.isResponsible(id)) {
        out.responsibleServices++;
        out.responsibleInstances += n;
      }
    }
    return out;
  }

  /** The clusters a service has: configured ones plus those its instances use. */
  clusters(key: ServiceKey): ClusterRecord[] {
    const service = this.service(key);
    const names = new Set(Object.keys(service?.clusters ?? {}));
    for (const i of this.instances(key)) names.add(i.clusterName);
    return [...names].sort().map((name) => service?.clusters[name] ?? defaultCluster(name));
  }

  /** Runs a CP command; a refusal becomes Nacos' 400. */
  async submit(command: NamingCommand): Promise<void> {
    const result = await this.writer.submit(command);
    if (!result.ok) throw new RegistryError('REG_NAMING_INVALID', result.message);
  }

  async register(key: ServiceKey, instance: InstanceRecord): Promise<void> {
    this.metrics.registrations++;
    if (instance.ephemeral) {
      await this.ephemeral.update(serviceKeyString(key), { t: 'register', instance });
      return;
    }
    const mode = this.switches.serverMode;
    if (mode === 'AP') {
      throw new RegistryError(
        'REG_NAMING_INVALID',
        'server mode is AP: persistent instances (ephemeral=false) are not accepted',
      );
    }
    await this.submit({
      t: 'instances',
      ns: key.namespaceId,
      grouped: key.grouped,
      op: { t: 'register', instance },
      ...(mode === 'CP' && { requireService: true }),
    });
  }

  async deregister(key: ServiceKey, at: InstanceAddress, ephemeral: boolean): Promise<void> {
    this.metrics.deregistrations++;
    if (ephemeral) {
      await this.#write(key, true, { t: 'deregister', at, time: Date.now() });
      return;
    }
    // Decided in the log, never on this member's replica, which may not have applied the service
    // yet (an "ok" without a proposal lost acknowledged removals). An unknown service is Nacos' "ok".
    const op = { t: 'deregister', at } as const;
    const result = await this.writer.submit({
      t: 'instances',
      ns: key.namespaceId,
      grouped: key.grouped,
      op,
    });
    if (!result.ok && result.reason !== 'missing')
      throw new RegistryError('REG_NAMING_INVALID', result.message);
  }

  /** `PUT /instance`: the instance must exist (callers check first, with Nacos' texts). */
  async update(key: ServiceKey, instance: InstanceRecord): Promise<void> {
    await this.#write(key, instance.ephemeral, { t: 'update', instance });
  }

  /** Finds an instance in either half; persistent first, as Nacos' `allIPs` orders them. */
  find(key: ServiceKey, at: InstanceAddress): InstanceRecord | undefined {
    return findInstance(this.instances(key), at);
  }

  async patch(key: ServiceKey, at: InstanceAddress, patch: InstancePatch): Promise<void> {
    const found = this.find(key, at);
    if (!found) throw new RegistryError('REG_NAMING_INVALID', 'instance not found');
    await this.#write(key, found.ephemeral, { t: 'patch', at, patch });
  }

  /**
   * A client beat. Returns the instance it refreshed (or re-registered from `register`), or
   * undefined when the instance is unknown and the beat carried no data to re-create it.
   */
  async beat(
    key: ServiceKey,
    at: InstanceAddress,
    register?: InstanceRecord,
  ): Promise<InstanceRecord | undefined> {
    const found = this.find(key, at);
    if (!found && !register) return undefined;
    this.metrics.beats++;
    if (found && !found.ephemeral) return found; // server-checked instances ignore beats
    if (!found && register && !register.ephemeral) {
      await this.register(key, register);
      return register;
    }
    await this.ephemeral.update(serviceKeyString(key), {
      t: 'beat',
      at,
      time: this.now(),
      ...(!found && register && { register }),
    });
    return found ?? register;
  }

  async setHealth(key: ServiceKey, at: InstanceAddress, healthy: boolean, marked: boolean): Promise<void> {
    const found = this.find(key, at);
    if (!found) throw new RegistryError('REG_NAMING_INVALID', 'instance not found');
    await this.#write(key, found.ephemeral, { t: 'health', at, healthy, marked });
  }

  /** Metadata batch: applies to the matching instances of the chosen kinds; returns what matched. */
  async metadataBatch(
    key: ServiceKey,
    mode: 'put' | 'remove',
    metadata: Readonly<Record<string, string>>,
    consistency: 'ephemeral' | 'persist' | '',
    targets: readonly (InstanceAddress & { ephemeral?: boolean })[],
  ): Promise<InstanceRecord[]> {
    const matched = this.instances(key).filter(
      (i) =>
        (consistency === '' || i.ephemeral === (consistency === 'ephemeral')) &&
        (targets.length === 0 ||
          targets.some(
            (t) =>
              t.ip === i.ip &&
              t.port === i.port &&
              t.clusterName === i.clusterName &&
              (t.ephemeral === undefined || t.ephemeral === i.ephemeral),
          )),
    );
    for (const ephemeral of [false, true]) {
      const part = matched.filter((i) => i.ephemeral === ephemeral);
      if (part.length === 0) continue;
      const addresses = part.map((i) => ({ ip: i.ip, port: i.port, clusterName: i.clusterName }));
      await this.#write(key, ephemeral, { t: 'metadata', mode, metadata, targets: addresses });
    }
    return matched;
  }

  /** Deletes a service: its settings and persistent instances (CP), then its ephemeral key. */
  async deleteService(key: ServiceKey): Promise<void> {
    const id = serviceKeyString(key);
    if (this.cp.service(id)) {
      await this.submit({ t: 'service.delete', ns: key.namespaceId, grouped: key.grouped });
    } else if (this.ephemeral.list(id) === undefined) {
      throw new RegistryError(
        'REG_NAMING_INVALID',
        `specified service not exist, serviceName : ${key.grouped}`,
      );
    }
    // Always through the responsible member: this member's replica may not have the key yet.
    await this.ephemeral.delete(id);
  }

  async #write(key: ServiceKey, ephemeral: boolean, op: InstanceOp): Promise<void> {
    if (ephemeral) {
      await this.ephemeral.update(serviceKeyString(key), op);
      return;
    }
    await this.submit({ t: 'instances', ns: key.namespaceId, grouped: key.grouped, op });
  }
}
