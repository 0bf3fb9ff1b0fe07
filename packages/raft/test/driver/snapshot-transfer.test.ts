// The chunked snapshot stream on its own: bounded memory (the source is pulled only as acks free
// the window), resends from the receiver's offset after loss, and a receiver that consumes and
// acknowledges in order.
import { describe, expect, it } from 'vitest';
import { type Message, MessageType } from '../../src/core/messages.js';
import { confStateOf } from '../../src/core/types.js';
import { SnapshotReceiver } from '../../src/driver/snapshot-receiver.js';
import { SnapshotSender } from '../../src/driver/snapshot-sender.js';

const meta = { index: 50, term: 3, confState: confStateOf([1, 2, 3]) };
const flush = () => new Promise((r) => setImmediate(r));

function counting(chunks: number, size: number) {
  const state = { pulled: 0 };
  const source = (function* () {
    for (let i = 0; i < chunks; i++) {
      state.pulled++;
      yield new Uint8Array(size).fill(i & 0xff);
    }
  })();
  return { state, source };
}

describe('snapshot transfer', () => {
  it('pulls the source only as acknowledgements free the window (bounded memory)', async () => {
    const sent: Message[] = [];
    const sender = new SnapshotSender(
      { id: 1, term: () => 3, send: (ms) => sent.push(...ms), report: () => {} },
      1024,
      10,
    );
    const { state, source } = counting(10_000, 1024);
    sender.start(2, meta, source);
    await flush();
    // Nothing acknowledged: at most a window of 4 chunks was read and sent.
    expect(state.pulled).toBeLessThanOrEqual(5);
    expect(sent.length).toBe(4);
    const ack = (offset: number): Message => ({
      type: MessageType.SnapshotResp,
      from: 2,
      to: 1,
      term: 3,
      logTerm: meta.term,
      index: meta.index,
      entries: [],
      commit: 0,
      reject: false,
      rejectHint: 0,
      chunk: { offset, data: new Uint8Array(0), last: false },
    });
    sender.onResp(ack(2048));
    await flush();
    expect(sent.length).toBe(6);
    expect(state.pulled).toBeLessThanOrEqual(7);
    // Source chunks bigger than chunkBytes are split.
    const big = new SnapshotSender(
      { id: 1, term: () => 3, send: (ms) => sent.push(...ms), report: () => {} },
      100,
      10,
    );
    sent.length = 0;
    big.start(3, meta, [new Uint8Array(250)]);
    await flush();
    expect(sent.map((m) => [m.chunk!.offset, m.chunk!.data.byteLength])).toEqual([
      [0, 100],
      [100, 100],
      [200, 50],
      [250, 0],
    ]);
  });

  it('moves a snapshot across a lossy link: gaps are refused, the sender resumes from the receiver offset', async () => {
    const toReceiver: Message[] = [];
    const toSender: Message[] = [];
    let reported: boolean | undefined;
    const sender = new SnapshotSender(
      { id: 1, term: () => 3, send: (ms) => toReceiver.push(...ms), report: (_to, ok) => (reported = ok) },
      64,
      3,
    );
    const received: number[] = [];
    let installed = false;
    const receiver = new SnapshotReceiver(
      {
        id: 2,
        term: () => 3,
        send: (ms) => toSender.push(...ms),
        wants: () => true,
        receive: async (_m, chunks) => {
          for await (const c of chunks) received.push(...c);
          installed = true;
          return true;
        },
      },
      100,
    );
    const payload = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
    const pieces = Array.from({ length: 10 }, (_, i) => payload.subarray(i * 100, i * 100 + 100));
    sender.start(2, meta, pieces);
    let dropped = 0;
    let count = 0;
    for (let round = 0; round < 500 && reported === undefined; round++) {
      await flush();
      for (const m of toReceiver.splice(0)) {
        // Lose every fifth chunk (five times).
        if (++count % 5 === 2 && dropped < 5) {
          dropped++;
          continue;
        }
        receiver.onChunk(m);
      }
      await flush();
      for (const m of toSender.splice(0)) sender.onResp(m);
      sender.onTick();
    }
    expect(dropped).toBeGreaterThan(0);
    expect(installed).toBe(true);
    expect(reported).toBe(true);
    expect(Uint8Array.from(received)).toEqual(payload);
  });

  it('a receiver with nothing of a snapshot asks the sender to start over; one that does not want it refuses for good', () => {
    const out: Message[] = [];
    const chunk = (offset: number): Message => ({
      type: MessageType.Snapshot,
      from: 1,
      to: 2,
      term: 3,
      logTerm: 0,
      index: 0,
      entries: [],
      commit: 0,
      reject: false,
      rejectHint: 0,
      snapshot: meta,
      chunk: { offset, data: new Uint8Array(8), last: false },
    });
    const host = {
      id: 2,
      term: () => 3,
      send: (ms: Message[]) => out.push(...ms),
      receive: async () => true,
    };
    new SnapshotReceiver({ ...host, wants: () => true }, 10).onChunk(chunk(64));
    expect(out.map((m) => [m.type, m.reject, m.chunk!.offset, m.chunk!.last])).toEqual([
      [MessageType.SnapshotResp, true, 0, false],
    ]);
    out.length = 0;
    new SnapshotReceiver({ ...host, wants: () => false }, 10).onChunk(chunk(0));
    expect(out.map((m) => [m.reject, m.chunk!.last])).toEqual([[true, true]]);
  });
});
