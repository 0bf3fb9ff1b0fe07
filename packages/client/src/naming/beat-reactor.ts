import type { Logger } from '../logger.js';
import { sleep } from '../sleep.js';
import { BEAT_NOT_FOUND, type InstanceRegistration, type NamingApi } from './naming-api.js';

/** The preserved metadata key by which an instance asks for another beat interval (ms). */
export const BEAT_INTERVAL_KEY = 'preserved.heart.beat.interval';
export const DEFAULT_BEAT_INTERVAL_MS = 5000;

export function beatKey(
  i: Pick<InstanceRegistration, 'groupName' | 'serviceName' | 'ip' | 'port' | 'clusterName'>,
): string {
  return `${i.groupName}@@${i.serviceName}#${i.ip}#${i.port}#${i.clusterName}`;
}

interface BeatTask {
  readonly instance: InstanceRegistration;
  readonly stop: AbortController;
}

/**
 * One heartbeat loop per ephemeral instance (seed 002: beats keep ephemeral instances alive; the
 * server marks them unhealthy after 15 s and drops them after 30 s without one). The first beat
 * is full, later ones are light when the server allows; the next beat waits the interval the
 * server answered. A 20404 answer (the server lost the instance, e.g. every member restarted)
 * registers the instance again. Failures are logged and the loop keeps beating, so an instance
 * comes back on its own when servers return.
 */
export class BeatReactor {
  readonly #tasks = new Map<string, BeatTask>();
  readonly #api: NamingApi;
  readonly #logger: Logger;
  readonly #counts = { beats: 0, reRegistrations: 0 };

  constructor(api: NamingApi, logger: Logger) {
    this.#api = api;
    this.#logger = logger;
  }

  /** Beats sent so far (answered or not) and registrations repeated after a 20404. */
  get counts(): { readonly beats: number; readonly reRegistrations: number } {
    return { ...this.#counts };
  }

  /** Starts (or restarts, with the new data) the loop of an instance. */
  add(instance: InstanceRegistration): void {
    this.remove(instance);
    const task: BeatTask = { instance, stop: new AbortController() };
    this.#tasks.set(beatKey(instance), task);
    void this.#run(task);
  }

  remove(
    instance: Pick<InstanceRegistration, 'groupName' | 'serviceName' | 'ip' | 'port' | 'clusterName'>,
  ): void {
    const key = beatKey(instance);
    this.#tasks.get(key)?.stop.abort();
    this.#tasks.delete(key);
  }

  /** Every instance currently beating. */
  instances(): InstanceRegistration[] {
    return [...this.#tasks.values()].map((t) => t.instance);
  }

  stopAll(): void {
    for (const task of this.#tasks.values()) task.stop.abort();
    this.#tasks.clear();
  }

  async #run(task: BeatTask): Promise<void> {
    const { instance, stop } = task;
    const configured = Number(instance.metadata[BEAT_INTERVAL_KEY]);
    let interval = Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_BEAT_INTERVAL_MS;
    let light = false;
    while (!stop.signal.aborted) {
      await sleep(interval, stop.signal);
      if (stop.signal.aborted) return;
      try {
        this.#counts.beats++;
        const answer = await this.#api.beat(instance, light, stop.signal);
        if (answer.clientBeatInterval !== undefined) interval = answer.clientBeatInterval;
        light = answer.lightBeatEnabled;
        if (answer.code === BEAT_NOT_FOUND) {
          this.#logger.info(
            { service: instance.serviceName, ip: instance.ip, port: instance.port },
            'server lost the instance, registering again',
          );
          await this.#api.register(instance, stop.signal);
          this.#counts.reRegistrations++;
        }
      } catch (err) {
        if (stop.signal.aborted) return;
        // Light beats go on: a server that lost the instance answers 20404, and the client
        // registers it with every field (a full beat would restore only some of them).
        this.#logger.warn({ service: instance.serviceName, err: String(err) }, 'beat failed');
      }
    }
  }
}
