import { Distro, type DistroNetwork, type DistroOptions, type MemberView } from '@reg/distro';
import type { Logger } from 'pino';
import type { EphemeralPlane } from './consensus.js';

const ENGINE_NAME = /^[a-z][a-z0-9-]{0,31}$/;

export interface DistroPlaneOptions {
  readonly members: MemberView;
  /** The network of engine `name` (channel `distro/<name>`). */
  readonly networkFor: (name: string) => DistroNetwork;
  readonly logger: Logger;
  /** Called whenever an engine becomes ready (after loading a snapshot from a peer, or alone). */
  readonly onReady?: () => void;
}

/**
 * The AP path: the Distro engines modules create, over one member view and one peer network
 * channel per engine. Engines are created before `start()`; the plane starts and stops them.
 */
export class DistroPlane implements EphemeralPlane {
  readonly #opts: DistroPlaneOptions;
  // biome-ignore lint/suspicious/noExplicitAny: engines of any value type share one registry.
  readonly #engines = new Map<string, Distro<any, any>>();
  #started = false;
  #stopped = false;

  constructor(options: DistroPlaneOptions) {
    this.#opts = options;
  }

  distro<V, O = never>(
    name: string,
    options: Omit<DistroOptions<V, O>, 'members' | 'network' | 'logger'>,
  ): Distro<V, O> {
    if (this.#started) throw new Error(`Distro engine "${name}" created after the plane started`);
    if (!ENGINE_NAME.test(name))
      throw new Error(`Distro engine name ${JSON.stringify(name)} must match ${ENGINE_NAME}`);
    if (this.#engines.has(name)) throw new Error(`Distro engine "${name}" is created twice`);
    const engine = new Distro<V, O>({
      ...options,
      members: this.#opts.members,
      network: this.#opts.networkFor(name),
      logger: this.#opts.logger.child({ distro: name }),
    });
    this.#engines.set(name, engine);
    return engine;
  }

  /** The engine named `name`, for delivering its channel's frames. */
  // biome-ignore lint/suspicious/noExplicitAny: the caller only forwards opaque frames.
  engine(name: string): Distro<any, any> | undefined {
    return this.#engines.get(name);
  }

  names(): string[] {
    return [...this.#engines.keys()];
  }

  /** True once every engine loaded its snapshot (or found no peer to load from). */
  ready(): boolean {
    return [...this.#engines.values()].every((e) => e.ready);
  }

  /** Starts every engine; does not wait for their snapshots (a lone member would wait forever). */
  start(): void {
    this.#started = true;
    for (const [name, engine] of this.#engines) {
      engine.start().then(
        () => {
          this.#opts.logger.info({ distro: name }, 'Distro engine loaded and ready');
          this.#opts.onReady?.();
        },
        (err: unknown) => {
          if (!this.#stopped) this.#opts.logger.error({ err, distro: name }, 'Distro engine failed to start');
        },
      );
    }
  }

  stop(): void {
    this.#stopped = true;
    for (const engine of this.#engines.values()) engine.stop();
  }
}
