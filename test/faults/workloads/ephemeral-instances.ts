import type { Cluster } from '../../cluster/harness/cluster.js';
import { httpCall } from '../../cluster/harness/http-client.js';
import type { MemberProcess } from '../../cluster/harness/member-process.js';
import type { SeededRandom } from '../seeded-random.js';
import { EphemeralObserver } from './ephemeral-observer.js';

const OP_TIMEOUT_MS = 2_000;
const IP = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `beating`: its client beats it; `deleted`: deregistration acknowledged; `abandoned`: no beats, delete unanswered. */
export type EphemeralState = 'beating' | 'deleting' | 'deleted' | 'abandoned';

export interface EphemeralInstance {
  readonly service: string;
  readonly port: number;
  state: EphemeralState;
  /** Beats or registrations whose answer never came: the server may still act on them later. */
  unsettledWrites: number;
  /** Index of the member this client talks to; moves on after a failure (client failover). */
  home: number;
  inFlight: Promise<void> | undefined;
}

export interface EphemeralOptions {
  readonly services: number;
  readonly instances: number;
  readonly beatMs: number;
  /** `preserved.heart.beat.timeout` / `preserved.ip.delete.timeout` of every instance. */
  readonly heartBeatTimeoutMs: number;
  readonly deleteTimeoutMs: number;
  /** Time between deregister-and-replace steps; 0 disables churn. */
  readonly churnMs: number;
  readonly maxBeatsInFlight?: number;
}

/**
 * AP workload: ephemeral instances registered, beating and deregistered through the naming API
 * as a Nacos client does it (one server at a time, the next after a failure). `observer`
 * judges convergence, resurrection and loss after the faults.
 */
export class EphemeralInstanceWorkload {
  readonly instances: EphemeralInstance[] = [];
  beats = 0;
  failedBeats = 0;
  registrations = 0;
  deletions = 0;
  readonly unexpected: string[] = [];
  readonly observer: EphemeralObserver;
  #beating = false;
  #churning = false;
  #loops: Promise<void>[] = [];
  #nextPort = 10_000;
  #inFlight = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly rng: SeededRandom,
    private readonly options: EphemeralOptions,
  ) {
    this.observer = new EphemeralObserver(cluster, this);
  }

  serviceName(k: number): string {
    return `reg-faults-ap-${k}`;
  }

  get metadata(): string {
    return JSON.stringify({
      'preserved.heart.beat.interval': String(this.options.beatMs),
      'preserved.heart.beat.timeout': String(this.options.heartBeatTimeoutMs),
      'preserved.ip.delete.timeout': String(this.options.deleteTimeoutMs),
    });
  }

  /** Registers the initial instances (bounded concurrency), then starts beating and churn. */
  async start(): Promise<void> {
    const fresh = Array.from({ length: this.options.instances }, (_, i) =>
      this.#newInstance(this.serviceName(i % this.options.services)),
    );
    let next = 0;
    const worker = async () => {
      while (next < fresh.length) await this.#register(fresh[next++] as EphemeralInstance);
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    this.#beating = true;
    this.#loops.push(this.#beatLoop());
    if (this.options.churnMs > 0) {
      this.#churning = true;
      this.#loops.push(this.#churnLoop(this.rng.fork(300)));
    }
  }

  /** Ends churn; beats go on until {@link stop}, so the checks see live clients. */
  async stopChurn(): Promise<void> {
    this.#churning = false;
    await this.#loops[1];
  }

  async stop(): Promise<void> {
    this.#churning = false;
    this.#beating = false;
    await Promise.all(this.#loops);
    await Promise.all(this.instances.map((i) => i.inFlight));
  }

  #newInstance(service: string): EphemeralInstance {
    const instance: EphemeralInstance = {
      service,
      port: this.#nextPort++,
      state: 'beating',
      unsettledWrites: 0,
      home: this.rng.int(this.cluster.members.length),
      inFlight: undefined,
    };
    this.instances.push(instance);
    return instance;
  }

  #member(instance: EphemeralInstance): MemberProcess {
    return this.cluster.members[instance.home % this.cluster.members.length] as MemberProcess;
  }

  async #register(instance: EphemeralInstance): Promise<void> {
    for (let attempt = 0; attempt < this.cluster.members.length; attempt++) {
      const member = this.#member(instance);
      const out = await httpCall(member.port, {
        method: 'POST',
        path: '/nacos/v1/ns/instance',
        query: {
          serviceName: instance.service,
          ip: IP,
          port: String(instance.port),
          ephemeral: 'true',
          metadata: this.metadata,
        },
        timeoutMs: OP_TIMEOUT_MS,
      });
      if (out.kind === 'answered' && out.status === 200) {
        this.registrations++;
        return;
      }
      if (out.kind === 'indeterminate') instance.unsettledWrites++;
      if (out.kind === 'answered' && out.status >= 400 && out.status < 500)
        this.unexpected.push(`register at m${member.index}: ${out.status} ${out.text.slice(0, 200)}`);
      instance.home++;
    }
    // Not registered yet: its beats carry the instance and register it (Nacos' beat semantics).
  }

  async #beat(instance: EphemeralInstance): Promise<void> {
    const member = this.#member(instance);
    const beat = JSON.stringify({
      ip: IP,
      port: instance.port,
      cluster: 'DEFAULT',
      serviceName: `DEFAULT_GROUP@@${instance.service}`,
      weight: 1,
      ephemeral: true,
      metadata: JSON.parse(this.metadata) as Record<string, string>,
    });
    const out = await httpCall(member.port, {
      method: 'PUT',
      path: '/nacos/v1/ns/instance/beat',
      query: { serviceName: instance.service, beat },
      timeoutMs: OP_TIMEOUT_MS,
    });
    if (out.kind === 'answered' && out.status === 200) {
      this.beats++;
      return;
    }
    this.failedBeats++;
    if (out.kind === 'indeterminate') instance.unsettledWrites++;
    if (out.kind === 'answered' && out.status >= 400 && out.status < 500)
      this.unexpected.push(`beat at m${member.index}: ${out.status} ${out.text.slice(0, 200)}`);
    instance.home++;
  }

  async #beatLoop(): Promise<void> {
    const limit = this.options.maxBeatsInFlight ?? 64;
    while (this.#beating) {
      const round = Date.now();
      for (const instance of this.instances) {
        if (!this.#beating) break;
        while (this.#inFlight >= limit) await sleep(5);
        // Checked after the wait: churn may have begun deleting this instance meanwhile.
        if (instance.state !== 'beating' || instance.inFlight) continue;
        this.#inFlight++;
        instance.inFlight = this.#beat(instance).finally(() => {
          this.#inFlight--;
          instance.inFlight = undefined;
        });
      }
      await sleep(Math.max(0, this.options.beatMs - (Date.now() - round)));
    }
  }

  async #churnLoop(rng: SeededRandom): Promise<void> {
    while (this.#churning) {
      await sleep(this.options.churnMs);
      const beating = this.instances.filter((i) => i.state === 'beating');
      if (!this.#churning || beating.length === 0) break;
      const victim = rng.pick(beating);
      victim.state = 'deleting';
      await victim.inFlight;
      await this.#deregister(victim);
      await this.#register(this.#newInstance(victim.service));
    }
  }

  async #deregister(instance: EphemeralInstance): Promise<void> {
    for (let attempt = 0; attempt < 2 * this.cluster.members.length; attempt++) {
      const member = this.#member(instance);
      const out = await httpCall(member.port, {
        method: 'DELETE',
        path: '/nacos/v1/ns/instance',
        query: { serviceName: instance.service, ip: IP, port: String(instance.port), ephemeral: 'true' },
        timeoutMs: OP_TIMEOUT_MS,
      });
      if (out.kind === 'answered' && out.status === 200) {
        instance.state = 'deleted';
        this.deletions++;
        this.observer.deleted(instance);
        return;
      }
      if (out.kind === 'answered' && out.status >= 400 && out.status < 500)
        this.unexpected.push(`deregister at m${member.index}: ${out.status} ${out.text.slice(0, 200)}`);
      instance.home++;
    }
    instance.state = 'abandoned';
  }
}
