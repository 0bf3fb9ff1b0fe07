// A replicated key-value store over HTTP, built only from the public APIs of @reg/raft,
// @reg/transport-ws and @reg/storage-level: the embedding example of README.md in this folder.
//
//   KV_SECRET=at-least-16-characters node kv-node.js --id 1 --data /tmp/kv1 \
//     --members 1=127.0.0.1:7101:8101,2=127.0.0.1:7102:8102,3=127.0.0.1:7103:8103
//
// PUT /kv/<key> (body = value) answers 200 with the log index once the write is committed and
// applied here; GET /kv/<key> is linearizable (ReadIndex); GET /status names role and leader.
// SIGTERM hands leadership over before stopping.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { isRaftError, type Message, RaftNode } from '@reg/raft';
import { LevelLogStorage } from '@reg/storage-level';
import { channelTransport, WsTransport } from '@reg/transport-ws';
import { encodeSet, KvStateMachine } from './kv-state-machine.js';
import { type KvMember, parseMembers } from './members.js';

const MAX_BODY_BYTES = 1024 * 1024;
const PROPOSE_TIMEOUT_MS = 5_000;

const { values: flags } = parseArgs({
  options: {
    id: { type: 'string' },
    members: { type: 'string' },
    data: { type: 'string' },
    'tick-ms': { type: 'string', default: '100' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});
const secret = process.env.KV_SECRET ?? '';
const members = parseMembers(flags.members ?? '');
const self = members.find((m) => m.id === Number(flags.id));
if (!self || !flags.data || secret.length < 16) {
  console.error(
    'usage: KV_SECRET=<16+ chars> kv-node --id <n> --members <id=host:raft:http,...> --data <dir>',
  );
  process.exit(2);
}

// 1. The peer network: one authenticated WebSocket per pair of members, Raft on channel "raft".
const wire = new WsTransport({
  id: String(self.id),
  secret,
  host: self.host,
  port: self.raftPort,
  peers: members.filter((m) => m !== self).map((m) => ({ id: String(m.id), host: m.host, port: m.raftPort })),
});
await wire.listen();

// 2. The durable log (fsync'd, group-committed LevelDB) and the state machine it feeds.
const log = new LevelLogStorage({ location: flags.data });
const store = new KvStateMachine();

// 3. The Raft node that ties them together.
const node = await RaftNode.start<number>({
  id: self.id,
  voters: members.map((m) => m.id),
  storage: log,
  transport: channelTransport<Message>(wire, { channel: 'raft', peerOf: (m) => String(m.to) }),
  stateMachine: store,
  tickMs: Number(flags['tick-ms']),
});

const httpOf = (id: number): string | null => {
  const m = members.find((x: KvMember) => x.id === id);
  return m ? `${m.host}:${m.httpPort}` : null;
};

function reply(
  res: ServerResponse,
  status: number,
  body: string | Uint8Array,
  type = 'application/json',
): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** propose() with a deadline: a proposal may stay pending across a leader change (see @reg/raft). */
function proposeWithin(data: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('proposal timed out')), PROPOSE_TIMEOUT_MS);
    node.propose(data).then(
      (index) => {
        clearTimeout(timer);
        resolve(index);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

function notLeader(res: ServerResponse): void {
  reply(res, 503, JSON.stringify({ error: 'not leader', leader: httpOf(node.leader) }));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/status' && req.method === 'GET') {
    const s = node.status();
    reply(
      res,
      200,
      JSON.stringify({
        id: self!.id,
        role: node.role,
        leader: node.leader,
        leaderHttp: httpOf(node.leader),
        term: node.term,
        applied: s.applied,
        fsyncs: log.syncCount, // durable log writes so far: shows group commit at work
      }),
    );
    return;
  }
  const key = url.pathname.startsWith('/kv/') ? decodeURIComponent(url.pathname.slice(4)) : '';
  if (key === '') return reply(res, 404, '{"error":"not found"}');
  if (req.method === 'PUT') {
    const value = await readBody(req);
    if (node.role !== 'leader') return notLeader(res);
    try {
      reply(res, 200, String(await proposeWithin(encodeSet(key, value))), 'text/plain');
    } catch (err) {
      if (isRaftError(err, 'RAFT_NOT_LEADER') || isRaftError(err, 'RAFT_LEADER_TRANSFERRING'))
        return notLeader(res);
      reply(
        res,
        500,
        JSON.stringify({ error: (err as Error).message, code: (err as { code?: string }).code }),
      );
    }
    return;
  }
  if (req.method === 'GET') {
    try {
      await node.readIndex();
    } catch (err) {
      return reply(res, 503, JSON.stringify({ error: (err as Error).message, leader: httpOf(node.leader) }));
    }
    const value = store.get(key);
    return value
      ? reply(res, 200, value, 'application/octet-stream')
      : reply(res, 404, '{"error":"no such key"}');
  }
  reply(res, 405, '{"error":"method not allowed"}');
}

const http = createServer((req, res) => {
  handle(req, res).catch((err: unknown) => {
    if (!res.headersSent) reply(res, 500, JSON.stringify({ error: String(err) }));
  });
});
http.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => http.listen(self.httpPort, self.host, resolve));
console.log(JSON.stringify({ msg: 'kv node started', id: self.id, http: httpOf(self.id) }));

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  http.close();
  http.closeAllConnections();
  await node.stop({ transfer: true }).catch(() => undefined); // a leader hands over first
  await wire.close();
  await log.close(); // RaftNode.stop() leaves the storage to its owner
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
if (flags['exit-with-stdin']) {
  process.stdin.on('end', () => void shutdown());
  process.stdin.resume();
}
