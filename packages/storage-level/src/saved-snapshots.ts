import { RaftError, type SnapshotMetadata } from '@reg/raft';
import { type Logger, StorageError } from '@reg/storage';
import type { Level } from 'level';
import { mapLevelError } from './level-errors.js';
import {
  CHUNK_HEADER,
  decodeManifest,
  encodeManifest,
  newChunk,
  openChunk,
  SNAPSHOT_KEYS,
  type SnapshotManifest,
  sealChunk,
} from './snapshot-codec.js';

type Db = Level<string, Uint8Array>;

/** Data bytes per stored chunk value: bounded, whatever sizes the producer streams. */
export const SNAPSHOT_CHUNK_BYTES = 256 * 1024;
/** Chunks per fsync'd write while saving (4 MiB): bounds memory and keeps fsyncs few. */
const CHUNKS_PER_WRITE = 16;
/** Chunks read ahead per LevelDB call while loading. */
const READ_AHEAD = 4;

/** What the owning log lends: its database and its lifecycle. */
export interface SnapshotHost {
  readonly location: string;
  readonly logger: Logger;
  db(): Db;
  /** Throws the log's `RAFT_STORAGE_FAILED` when it is closed or failed. */
  checkUsable(): void;
  /** Stops the log after a failed write (as a failed append does); returns the error to throw. */
  stop(err: unknown): RaftError;
}

/** A saved snapshot as `LogStorage.loadSnapshot` returns it. */
export interface LoadedSnapshot {
  readonly snapshot: SnapshotMetadata;
  readonly chunks: AsyncIterable<Uint8Array>;
}

/**
 * The state-machine snapshot kept beside the Raft log (`saveSnapshot` / `loadSnapshot`).
 *
 * A save streams the producer's bytes into fixed-size chunk values under a new generation, each
 * batch fsync'd, and only then writes the manifest `S` naming that generation (fsync'd, one key):
 * a crash or a failed stream before that leaves the previous snapshot live and untouched. Old and
 * abandoned generations are deleted after the switch and again at every open.
 */
export class SavedSnapshots {
  private liveGen = 0;
  private nextGen = 1;
  /** Saves run one after another, in call order. */
  private queue: Promise<void> = Promise.resolve();
  /** LevelDB calls in progress; close waits for them (never for a slow producer). */
  private readonly io = new Set<Promise<unknown>>();

  constructor(private readonly host: SnapshotHost) {}

  /**
   * At open: learns the live generation and deletes every other one (leftovers of an interrupted
   * save or of a delete lost in a crash). A damaged manifest deletes nothing; `load` reports it.
   */
  async open(): Promise<void> {
    const db = this.host.db();
    const gens: number[] = [];
    let from: string = SNAPSHOT_KEYS.chunksStart;
    for (let i = 0; i < 1_000_000; i++) {
      const [key] = await db.keys({ gte: from, lt: SNAPSHOT_KEYS.chunksEnd, limit: 1 }).all();
      if (key === undefined) break;
      const gen = SNAPSHOT_KEYS.genOf(key);
      gens.push(gen);
      from = SNAPSHOT_KEYS.genEnd(gen);
    }
    let manifest: SnapshotManifest | undefined;
    try {
      manifest = await this.readManifest();
    } catch (err) {
      this.host.logger.error({ location: this.host.location, err }, 'saved snapshot is damaged');
      this.nextGen = Math.max(0, ...gens) + 1;
      return;
    }
    this.liveGen = manifest?.gen ?? 0;
    // Never reuse a generation: a delete lost in a crash could leave chunks behind in it.
    this.nextGen = Math.max(this.liveGen, ...gens) + 1;
    const stale = gens.filter((g) => g !== this.liveGen);
    // The log is still opening here, so no usability check.
    for (const gen of stale) await this.clear(gen, false);
    if (stale.length > 0) {
      this.host.logger.info(
        { location: this.host.location, generations: stale },
        'deleted leftover snapshot chunks',
      );
    }
  }

  private async readManifest(): Promise<SnapshotManifest | undefined> {
    const bytes = await this.host.db().get(SNAPSHOT_KEYS.manifest);
    return bytes === undefined ? undefined : decodeManifest(bytes, this.host.location);
  }

  /** Queues a save behind earlier ones; resolves once the new snapshot is durable and live. */
  save(snapshot: SnapshotMetadata, source: AsyncIterable<Uint8Array>): Promise<void> {
    const run = this.queue.then(() => this.write(snapshot, source));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(snapshot: SnapshotMetadata, source: AsyncIterable<Uint8Array>): Promise<void> {
    this.host.checkUsable();
    const gen = this.nextGen++;
    let seq = 0;
    let bytes = 0;
    let buf = newChunk(SNAPSHOT_CHUNK_BYTES);
    let fill = 0;
    let batch: Array<{ type: 'put'; key: string; value: Uint8Array }> = [];
    const seal = async (): Promise<void> => {
      batch.push({ type: 'put', key: SNAPSHOT_KEYS.chunk(gen, seq), value: sealChunk(buf, fill, gen, seq) });
      seq++;
      buf = newChunk(SNAPSHOT_CHUNK_BYTES);
      fill = 0;
      if (batch.length >= CHUNKS_PER_WRITE) await flush();
    };
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const ops = batch;
      batch = [];
      await this.durable(ops);
    };
    try {
      for await (const chunk of source) {
        this.host.checkUsable();
        if (!(chunk instanceof Uint8Array)) {
          throw new RaftError('RAFT_STORAGE_INVALID', 'snapshot chunks must be Uint8Arrays');
        }
        for (let off = 0; off < chunk.byteLength; ) {
          const n = Math.min(SNAPSHOT_CHUNK_BYTES - fill, chunk.byteLength - off);
          buf.set(chunk.subarray(off, off + n), CHUNK_HEADER + fill);
          fill += n;
          off += n;
          if (fill === SNAPSHOT_CHUNK_BYTES) await seal();
        }
        bytes += chunk.byteLength;
      }
      if (fill > 0) await seal();
      await flush();
      this.host.checkUsable();
      await this.durable([
        {
          type: 'put',
          key: SNAPSHOT_KEYS.manifest,
          value: encodeManifest({ gen, snapshot, chunks: seq, bytes }),
        },
      ]);
    } catch (err) {
      // A failed write stopped the store (durable() did); a failed stream only abandons this generation.
      if (!(err instanceof WriteFailed)) await this.clear(gen).catch(() => undefined);
      throw err instanceof WriteFailed ? err.error : err;
    }
    const old = this.liveGen;
    this.liveGen = gen;
    // The old generation is garbage now; if this delete is lost, the next open repeats it.
    if (old !== 0) await this.clear(old).catch(() => undefined);
    this.host.logger.info(
      { location: this.host.location, index: snapshot.index, bytes, chunks: seq },
      'saved snapshot',
    );
  }

  /** One fsync'd batch; a failure stops the store. */
  private async durable(ops: Array<{ type: 'put'; key: string; value: Uint8Array }>): Promise<void> {
    this.host.checkUsable();
    try {
      await this.track(this.host.db().batch(ops, { sync: true }));
    } catch (err) {
      throw new WriteFailed(this.host.stop(mapLevelError(err, this.host.location, 'snapshot write')));
    }
  }

  /** Deletes one generation's chunks (best effort: an open repeats it). */
  private async clear(gen: number, check = true): Promise<void> {
    if (check) this.host.checkUsable();
    await this.track(
      this.host.db().clear({ gte: SNAPSHOT_KEYS.genStart(gen), lt: SNAPSHOT_KEYS.genEnd(gen) }),
    );
  }

  private async track<T>(p: Promise<T>): Promise<T> {
    this.io.add(p);
    try {
      return await p;
    } finally {
      this.io.delete(p);
    }
  }

  /**
   * The live snapshot, streamed chunk by chunk from one LevelDB iterator: the manifest and the
   * chunks are read from the same implicit LevelDB snapshot, so a save that switches meanwhile
   * does not disturb a reader. Each chunk is checked (CRC, generation, sequence) as it is read,
   * and the count and size at the end; damage throws `STORAGE_CORRUPTED` from the stream.
   */
  async load(): Promise<LoadedSnapshot | undefined> {
    this.host.checkUsable();
    const where = this.host.location;
    const it = this.host
      .db()
      .iterator<string, Uint8Array>({ gte: SNAPSHOT_KEYS.manifest, lt: SNAPSHOT_KEYS.chunksEnd });
    let manifest: SnapshotManifest;
    try {
      const first = await it.next();
      if (first === undefined || first[0] !== SNAPSHOT_KEYS.manifest) {
        await it.close();
        return undefined;
      }
      manifest = decodeManifest(first[1], where);
    } catch (err) {
      await it.close().catch(() => undefined);
      throw mapLevelError(err, where, 'snapshot read');
    }
    it.seek(SNAPSHOT_KEYS.genStart(manifest.gen));
    return { snapshot: manifest.snapshot, chunks: readChunks(it, manifest, where) };
  }

  /** Waits for LevelDB calls in progress (before the database closes). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.io]);
  }
}

/** A LevelDB write failed: the store is stopped and `error` is what callers get. */
class WriteFailed extends Error {
  constructor(readonly error: RaftError) {
    super(error.message);
  }
}

/** The part of a LevelDB iterator the reader uses. */
interface ChunkIterator {
  nextv(size: number): Promise<Array<[string, Uint8Array]>>;
  close(): Promise<void>;
}

async function* readChunks(
  it: ChunkIterator,
  manifest: SnapshotManifest,
  where: string,
): AsyncGenerator<Uint8Array> {
  const { gen } = manifest;
  const end = SNAPSHOT_KEYS.genEnd(gen);
  let seq = 0;
  let bytes = 0;
  const damaged = (why: string) =>
    new StorageError('STORAGE_CORRUPTED', `saved snapshot (generation ${gen}) in ${where} ${why}`, {
      location: `${where} (snapshot generation ${gen})`,
    });
  try {
    for (let done = false; !done; ) {
      let rows: Array<[string, Uint8Array]>;
      try {
        rows = await it.nextv(READ_AHEAD);
      } catch (err) {
        throw mapLevelError(err, where, 'snapshot read');
      }
      if (rows.length === 0) break;
      for (const [key, value] of rows) {
        if (key >= end) {
          done = true;
          break;
        }
        if (seq >= manifest.chunks) throw damaged(`has more than the ${manifest.chunks} chunks it should`);
        if (key !== SNAPSHOT_KEYS.chunk(gen, seq)) throw damaged(`is missing chunk ${seq}`);
        const data = openChunk(value, gen, seq, where);
        bytes += data.byteLength;
        seq++;
        yield data;
      }
    }
    if (seq !== manifest.chunks || bytes !== manifest.bytes) {
      throw damaged(
        `ends after ${seq} of ${manifest.chunks} chunks (${bytes} of ${manifest.bytes} bytes): the rest is lost`,
      );
    }
  } finally {
    await it.close().catch(() => undefined);
  }
}
