import { afterEach, describe, expect, it } from 'vitest';
import { channelTransport, type WsTransport } from '../src/index.js';
import { allConnected, closeAll, cluster, waitFor } from './helpers.js';

interface Msg {
  from: number;
  to: number;
  term: number;
  entries: Array<{ data: Uint8Array }>;
}

let open: WsTransport[] = [];
afterEach(async () => {
  await closeAll(open);
  open = [];
});

describe('channelTransport (the raft Transport shape)', () => {
  it('sends batches to the right members, drops what it cannot send, and stops', async () => {
    const ts = await cluster(['m1', 'm2', 'm3']);
    open.push(...ts);
    await allConnected(ts);
    const got: Record<string, Msg[]> = { m1: [], m2: [], m3: [] };
    const dropped: Array<[Msg, unknown]> = [];
    const adapters = ts.map((t) =>
      channelTransport<Msg>(t, {
        channel: 'raft',
        peerOf: (m) => `m${m.to}`,
        onDrop: (m, e) => dropped.push([m, e]),
      }),
    );
    adapters.forEach((a, i) => {
      a.start((m) => {
        got[`m${i + 1}`]?.push(m);
      });
    });
    const msg = (to: number, term: number): Msg => ({
      from: 1,
      to,
      term,
      entries: [{ data: new Uint8Array([term]) }],
    });
    adapters[0]?.send([msg(2, 1), msg(3, 1), msg(2, 2), msg(9, 1)]);
    await waitFor(() => got.m2?.length === 2 && got.m3?.length === 1, 'batch delivered');
    expect(got.m2?.map((m) => m.term)).toEqual([1, 2]);
    expect(got.m2?.[0]?.entries[0]?.data).toEqual(Buffer.from([1]));
    expect(dropped.map(([m, e]) => [m.to, e])).toEqual([[9, undefined]]);
    // A message that cannot be encoded is dropped with its error, not thrown into raft.
    adapters[0]?.send([{ ...msg(2, 3), entries: [{ data: new Date() as unknown as Uint8Array }] }]);
    expect(dropped[1]?.[1]).toMatchObject({ code: 'TRANSPORT_BAD_MESSAGE' });
    adapters[1]?.stop();
    adapters[0]?.send([msg(2, 4), msg(3, 4)]);
    await waitFor(() => got.m3?.length === 2, 'm3 still receives');
    expect(got.m2?.length).toBe(2);
  });
});
