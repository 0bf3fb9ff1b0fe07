import type { DistroMetrics } from '@reg/distro';
import { Counter, type Registry } from 'prom-client';

/**
 * Distro's metrics hooks as Prometheus counters, labelled by engine only (peer addresses would
 * add a series per member ever seen).
 */
export class DistroCollector {
  readonly #batches: Counter<'engine'>;
  readonly #keys: Counter<'engine'>;
  readonly #bytes: Counter<'engine'>;
  readonly #mismatches: Counter<'engine' | 'kind'>;
  readonly #forwarded: Counter<'engine' | 'result'>;
  readonly #snapshots: Counter<'engine'>;
  readonly #snapshotKeys: Counter<'engine'>;
  readonly #tombstones: Counter<'engine'>;

  constructor(registry: Registry) {
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Counter<L>({ name, help, labelNames, registers: [registry] });
    this.#batches = counter('reg_distro_sync_batches_total', 'Sync batches sent to peers', ['engine']);
    this.#keys = counter('reg_distro_sync_keys_total', 'Keys sent in sync batches', ['engine']);
    this.#bytes = counter(
      'reg_distro_sync_bytes_total',
      'JSON-encoded size of the sync batches sent (an estimate of the wire size)',
      ['engine'],
    );
    this.#mismatches = counter(
      'reg_distro_verify_mismatches_total',
      'Keys a checksum round found stale here (pulled) or newer here (pushed back)',
      ['engine', 'kind'],
    );
    this.#forwarded = counter(
      'reg_distro_forwarded_writes_total',
      'Writes forwarded to the responsible member, by outcome',
      ['engine', 'result'],
    );
    this.#snapshots = counter('reg_distro_snapshot_loads_total', 'Full snapshots loaded from a peer', [
      'engine',
    ]);
    this.#snapshotKeys = counter('reg_distro_snapshot_keys_total', 'Keys in the snapshots loaded', [
      'engine',
    ]);
    this.#tombstones = counter(
      'reg_distro_tombstones_collected_total',
      'Expired tombstones garbage-collected',
      ['engine'],
    );
  }

  /** The hooks for the Distro engine named `engine`. */
  hooks(engine: string): DistroMetrics {
    // Series exist (at 0) from the start, so rate() sees the first increment.
    for (const c of [
      this.#batches,
      this.#keys,
      this.#bytes,
      this.#snapshots,
      this.#snapshotKeys,
      this.#tombstones,
    ])
      c.inc({ engine }, 0);
    for (const kind of ['stale', 'newer']) this.#mismatches.inc({ engine, kind }, 0);
    for (const result of ['ok', 'failed']) this.#forwarded.inc({ engine, result }, 0);
    return {
      syncBatch: (_target, keys, bytes) => {
        this.#batches.inc({ engine });
        this.#keys.inc({ engine }, keys);
        this.#bytes.inc({ engine }, bytes);
      },
      verifyMismatch: (_from, stale, newer) => {
        if (stale > 0) this.#mismatches.inc({ engine, kind: 'stale' }, stale);
        if (newer > 0) this.#mismatches.inc({ engine, kind: 'newer' }, newer);
      },
      forwardedWrite: (_to, ok) => this.#forwarded.inc({ engine, result: ok ? 'ok' : 'failed' }),
      snapshotLoaded: (_from, keys) => {
        this.#snapshots.inc({ engine });
        this.#snapshotKeys.inc({ engine }, keys);
      },
      tombstonesCollected: (count) => this.#tombstones.inc({ engine }, count),
    };
  }
}
