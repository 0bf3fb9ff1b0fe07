// Server side of bench/transport.bench.mjs, in its own process: a WsTransport (id "b") and a
// bare ws + msgpackr server doing the same work, so both are measured in the same run.
import { Packr, Unpackr } from 'msgpackr';
import { WebSocketServer } from 'ws';
import { WsTransport } from '../dist/index.js';

const secret = process.argv[2];
const t = new WsTransport({ id: 'b', secret, port: 0, peers: [{ id: 'a', host: '127.0.0.1', port: 1 }] });
let count = 0;
t.onMessage('bench', () => {
  count++;
});
t.onRequest('done', () => {
  const c = count;
  count = 0;
  return c;
});
t.onRequest('echo', (_from, m) => m);
const reg = await t.listen();

// Baseline: the same frames ([kind, channel, id, payload]) over a bare ws, default msgpackr.
const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
  maxPayload: 4 << 20,
});
let baseCount = 0;
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const [kind, channel, id, payload] = unpackr.unpack(data);
    if (kind === 1) baseCount++;
    else if (channel === 'done') {
      ws.send(packr.pack([3, channel, id, baseCount]));
      baseCount = 0;
    } else ws.send(packr.pack([3, channel, id, payload]));
  });
});
await new Promise((r) => wss.once('listening', r));
process.send({ reg: reg.port, base: wss.address().port });
process.on('message', async (m) => {
  if (m === 'exit') {
    await t.close();
    wss.close();
    process.exit(0);
  }
});
