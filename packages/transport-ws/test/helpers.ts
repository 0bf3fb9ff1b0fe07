import { WsTransport, type WsTransportOptions } from '../src/index.js';

export const SECRET = 'test-cluster-secret-0123456789';

/** Polls `cond` every 10 ms for at most `ms`; throws with `what` when it never holds. */
export async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Creates `ids.length` listening transports on ephemeral ports that all know each other. */
export async function cluster(
  ids: readonly string[],
  extra: Partial<WsTransportOptions> | ((id: string) => Partial<WsTransportOptions>) = {},
): Promise<WsTransport[]> {
  const ts = ids.map(
    (id) =>
      new WsTransport({
        id,
        secret: SECRET,
        port: 0,
        backoff: { initialMs: 20, maxMs: 200 },
        ...(typeof extra === 'function' ? extra(id) : extra),
      }),
  );
  const addrs = await Promise.all(ts.map((t) => t.listen()));
  for (const t of ts) {
    ts.forEach((o, i) => {
      if (o !== t) t.addPeer(o.id, addrs[i] as { host: string; port: number });
    });
  }
  return ts;
}

/** Waits until every pair of transports is connected. */
export async function allConnected(ts: readonly WsTransport[]): Promise<void> {
  await waitFor(() => ts.every((t) => ts.every((o) => o === t || t.isConnected(o.id))), 'full mesh');
}

/** Closes everything, ignoring errors. */
export async function closeAll(ts: readonly WsTransport[]): Promise<void> {
  await Promise.all(ts.map((t) => t.close().catch(() => {})));
}
