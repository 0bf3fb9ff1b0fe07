import type { NamingOp, NamingStore } from '@reg/storage';
import type { CommandPosition, CpModule } from '../consensus/consensus.js';
import { type NamingCommand, type NamingResult, OK, validateNamingCommand } from './cp-commands.js';
import { applyInstanceOp } from './instance-ops.js';
import type { InstanceRecord, StoredService } from './model.js';
import { parseServiceKeyString, serviceKeyOf, serviceKeyString } from './names.js';
import { isClusterRecord, isInstanceList, isMetadata, isSelector } from './record-guards.js';
import { applySwitchUpdate, DEFAULT_SWITCHES, parseSwitchUpdate, type Switches } from './switches.js';

/** Storage kinds of the naming module (the storage package's `NamingKind` values). */
const KIND = { service: 'service', instances: 'instances', switches: 'switches' } as const;
const SWITCHES_KEY = 'switches';
const LOAD_PAGE = 1000;

/**
 * The persistent half of naming: services, persistent instances, cluster settings and switches.
 * It is the `naming` CP module: every member applies the same commands in log order, keeps the
 * result in memory for reads and writes it through to storage, so a restart resumes from storage
 * plus the log tail after the checkpoint (re-applying that tail is harmless: every command sets
 * whole values). Timestamps come from the command's position, never from the local clock.
 */
export class NamingCpState implements CpModule<NamingCommand, NamingResult> {
  readonly name = 'naming';
  #services = new Map<string, StoredService>();
  #instances = new Map<string, readonly InstanceRecord[]>();
  #switches: Switches = DEFAULT_SWITCHES;
  readonly #listeners = new Set<(key: string | undefined) => void>();

  constructor(private readonly store: NamingStore | undefined) {}

  /** Reads what earlier runs stored. Call once, before the consensus starts replaying. */
  async load(): Promise<void> {
    const loaded = await this.#read();
    this.#services = loaded.services;
    this.#instances = loaded.instances;
    this.#switches = loaded.switches;
  }

  /**
   * A Raft snapshot replaced the store: reload everything, then tell listeners (push) about each
   * service whose settings or persistent instances differ from before, and about switches. The
   * maps are swapped whole, so reads during the reload see the old state rather than a partial one.
   */
  async restored(): Promise<void> {
    const before = { services: this.#services, instances: this.#instances, switches: this.#switches };
    const loaded = await this.#read();
    this.#services = loaded.services;
    this.#instances = loaded.instances;
    this.#switches = loaded.switches;
    const keys = new Set([...before.services.keys(), ...before.instances.keys()]);
    for (const key of loaded.services.keys()) keys.add(key);
    for (const key of loaded.instances.keys()) keys.add(key);
    for (const key of keys) {
      if (
        !sameJson(before.services.get(key), loaded.services.get(key)) ||
        !sameJson(before.instances.get(key), loaded.instances.get(key))
      ) {
        this.#emit(key);
      }
    }
    if (!sameJson(before.switches, loaded.switches)) this.#emit(undefined);
  }

  async #read(): Promise<{
    services: Map<string, StoredService>;
    instances: Map<string, readonly InstanceRecord[]>;
    switches: Switches;
  }> {
    const services = new Map<string, StoredService>();
    const instances = new Map<string, readonly InstanceRecord[]>();
    let switches = DEFAULT_SWITCHES;
    if (!this.store) return { services, instances, switches };
    for await (const entry of this.#entries(KIND.service)) {
      const service = parseStoredService(entry.key, entry.value);
      if (service) services.set(entry.key, service);
    }
    for await (const entry of this.#entries(KIND.instances)) {
      const list = parseJson(entry.value);
      if (isInstanceList(list)) instances.set(entry.key, list);
    }
    const raw = await this.store.get(KIND.switches, SWITCHES_KEY);
    if (raw !== undefined) switches = mergeSwitches(parseJson(raw));
    return { services, instances, switches };
  }

  /** Called after every applied change with the service key, or undefined for switches. */
  onChange(listener: (key: string | undefined) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get switches(): Switches {
    return this.#switches;
  }

  service(key: string): StoredService | undefined {
    return this.#services.get(key);
  }

  instances(key: string): readonly InstanceRecord[] {
    return this.#instances.get(key) ?? [];
  }

  services(): IterableIterator<StoredService> {
    return this.#services.values();
  }

  serviceKeys(): IterableIterator<string> {
    return this.#services.keys();
  }

  /** Services with at least one persistent instance, for the health checker. */
  *persistentLists(): IterableIterator<[string, readonly InstanceRecord[]]> {
    for (const entry of this.#instances) if (entry[1].length > 0) yield entry;
  }

  validate(command: unknown): NamingCommand {
    return validateNamingCommand(command);
  }

  async apply(command: NamingCommand, position: CommandPosition): Promise<NamingResult> {
    if (command.t === 'switch') {
      this.#switches = applySwitchUpdate(this.#switches, parseSwitchUpdate(command.entry, command.value));
      await this.store?.put(KIND.switches, SWITCHES_KEY, JSON.stringify(this.#switches));
      this.#emit(undefined);
      return OK;
    }
    const key = serviceKeyString(serviceKeyOf(command.ns, command.grouped));
    const service = this.#services.get(key);
    switch (command.t) {
      case 'service.create': {
        if (service)
          return refuse('exists', `specified service already exists, serviceName : ${command.grouped}`);
        const created: StoredService = {
          key: serviceKeyOf(command.ns, command.grouped),
          protectThreshold: command.protectThreshold,
          metadata: command.metadata,
          selector: command.selector,
          enabled: true,
          clusters: {},
          createdAt: position.time,
        };
        await this.#write(key, created, undefined);
        return OK;
      }
      case 'service.update': {
        if (!service) return refuse('missing', `service ${command.grouped} not found!`);
        await this.#write(
          key,
          {
            ...service,
            protectThreshold: command.protectThreshold,
            metadata: command.metadata,
            selector: command.selector ?? service.selector,
          },
          undefined,
        );
        return OK;
      }
      case 'service.delete': {
        if (!service)
          return refuse('missing', `specified service not exist, serviceName : ${command.grouped}`);
        this.#services.delete(key);
        this.#instances.delete(key);
        await this.store?.batch([
          { type: 'del', kind: KIND.service, key },
          { type: 'del', kind: KIND.instances, key },
        ]);
        this.#emit(key);
        return OK;
      }
      case 'cluster': {
        if (!service) return refuse('missing', `service not found:${command.grouped}`);
        const clusters = { ...service.clusters, [command.cluster.name]: command.cluster };
        await this.#write(key, { ...service, clusters }, undefined);
        return OK;
      }
      case 'instances':
        return this.#applyInstances(key, command, service, position);
    }
  }

  async #applyInstances(
    key: string,
    command: Extract<NamingCommand, { t: 'instances' }>,
    service: StoredService | undefined,
    position: CommandPosition,
  ): Promise<NamingResult> {
    let op = command.op;
    let target = service;
    if (op.t === 'register') {
      if (!service) {
        // The proposer decides from its serverMode (CP: the service must exist first), so that
        // re-applying an old command after a restart never sees a later mode.
        if (command.requireService) {
          return refuse(
            'missing',
            `service not found, namespace: ${command.ns}, service: ${command.grouped}`,
          );
        }
        target = {
          key: serviceKeyOf(command.ns, command.grouped),
          protectThreshold: 0,
          metadata: {},
          selector: { type: 'none' },
          enabled: true,
          clusters: {},
          createdAt: position.time,
        };
      }
      op = { t: 'register', instance: { ...op.instance, ephemeral: false, lastBeat: position.time } };
    } else if (op.t === 'update') {
      op = { t: 'update', instance: { ...op.instance, ephemeral: false } };
    }
    if (!target) {
      return refuse('missing', `service not found, namespace: ${command.ns}, service: ${command.grouped}`);
    }
    const before = this.#instances.get(key) ?? [];
    const after = applyInstanceOp(before, op);
    if (after === before && target === service) return OK;
    await this.#write(key, target === service ? undefined : target, after === before ? undefined : after);
    return OK;
  }

  async #write(key: string, service: StoredService | undefined, list: readonly InstanceRecord[] | undefined) {
    const ops: NamingOp[] = [];
    if (service) {
      this.#services.set(key, service);
      ops.push({ type: 'put', kind: KIND.service, key, value: JSON.stringify(service) });
    }
    if (list) {
      this.#instances.set(key, list);
      ops.push({ type: 'put', kind: KIND.instances, key, value: JSON.stringify(list) });
    }
    if (ops.length > 0) await this.store?.batch(ops);
    this.#emit(key);
  }

  #emit(key: string | undefined): void {
    for (const listener of this.#listeners) listener(key);
  }

  async *#entries(kind: string): AsyncGenerator<{ key: string; value: string }> {
    if (!this.store) return;
    for (let pageNo = 1; ; pageNo++) {
      const page = await this.store.list(kind, { pageNo, pageSize: LOAD_PAGE });
      for (const entry of page.pageItems) yield entry;
      if (pageNo >= page.pagesAvailable) return;
    }
  }
}

function refuse(reason: 'exists' | 'missing', message: string): NamingResult {
  return { ok: false, reason, message };
}

/** Compares stored values by their JSON form (what storage holds), absent equal to absent. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseStoredService(key: string, text: string): StoredService | undefined {
  const raw = parseJson(text) as Record<string, unknown> | undefined;
  const parsedKey = parseServiceKeyString(key);
  if (!raw || !parsedKey) return undefined;
  const clusters = raw.clusters as Record<string, unknown> | undefined;
  if (
    typeof raw.protectThreshold !== 'number' ||
    !isMetadata(raw.metadata) ||
    !isSelector(raw.selector) ||
    typeof clusters !== 'object' ||
    clusters === null ||
    !Object.values(clusters).every(isClusterRecord)
  ) {
    return undefined;
  }
  return {
    key: parsedKey,
    protectThreshold: raw.protectThreshold,
    metadata: raw.metadata,
    selector: raw.selector,
    enabled: raw.enabled !== false,
    clusters: clusters as StoredService['clusters'],
    createdAt: typeof raw.createdAt === 'number' ? raw.createdAt : 0,
  };
}

/** Stored switches over the defaults, so a field added later gets its default. */
function mergeSwitches(raw: unknown): Switches {
  if (typeof raw !== 'object' || raw === null) return DEFAULT_SWITCHES;
  const out: Record<string, unknown> = { ...DEFAULT_SWITCHES };
  for (const [k, v] of Object.entries(raw)) {
    const fallback = (DEFAULT_SWITCHES as unknown as Record<string, unknown>)[k];
    if (k in DEFAULT_SWITCHES && (fallback === null || v === null || typeof v === typeof fallback))
      out[k] = v;
  }
  return Object.freeze(out) as unknown as Switches;
}
