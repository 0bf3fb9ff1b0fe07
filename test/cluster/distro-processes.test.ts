// Distro across real processes over the real WebSocket transport (issue 7): writes at any member
// converge everywhere, a paused member stalls nobody and catches up, a SIGKILLed member restarts
// empty and reloads everything, including deletes made while it was gone.
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/distro-member.mjs', import.meta.url));
const SECRET = 'distro-processes-test-secret';

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

class Member {
  proc!: ChildProcess;
  #seq = 0;
  readonly #waiting = new Map<number, (r: Reply) => void>();

  constructor(
    readonly id: string,
    readonly port: number,
    readonly all: readonly { id: string; host: string; port: number }[],
  ) {}

  async start(): Promise<void> {
    const config = {
      id: this.id,
      port: this.port,
      secret: SECRET,
      members: this.all,
      syncDelayMs: 100,
      verifyIntervalMs: 500,
      forwardTimeoutMs: 500,
    };
    this.proc = fork(FIXTURE, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.id} not ready in 10 s`)), 10_000);
      this.proc.once('exit', (code) => reject(new Error(`${this.id} exited with ${code}`)));
      this.proc.on('message', (m: Reply & { type?: string }) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          resolve();
        } else this.#waiting.get(m.id)?.(m);
      });
    });
  }

  call(op: string, args: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<unknown> {
    const id = ++this.#seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.id} ${op}: no answer`)), timeoutMs);
      this.#waiting.set(id, (r) => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        if (r.ok) resolve(r.value);
        else reject(new Error(`${this.id} ${op}: ${r.error}`));
      });
      this.proc.send({ id, op, ...args });
    });
  }

  kill(signal: NodeJS.Signals): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.kill(signal);
    return exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Polls until every member holds `expected` for `keys`, or fails with the last difference. */
async function converged(members: Member[], keys: string[], expected: Record<string, string | null>) {
  const deadline = Date.now() + 15_000;
  let last = '';
  while (Date.now() < deadline) {
    const dumps = (await Promise.all(members.map((m) => m.call('dump', { keys })))) as Record<
      string,
      string | null
    >[];
    const wrong = dumps.flatMap((d, i) =>
      keys.filter((k) => d[k] !== expected[k]).map((k) => `${members[i]?.id} ${k}=${d[k]}`),
    );
    if (wrong.length === 0) return;
    last = wrong.slice(0, 5).join(', ');
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not converged in 15 s: ${last}`);
}

const members: Member[] = [];

beforeAll(async () => {
  for (const pkg of ['distro', 'transport-ws']) {
    const dist = fileURLToPath(new URL(`../../packages/${pkg}/dist/index.js`, import.meta.url));
    if (!existsSync(dist)) throw new Error(`${dist} is missing: run \`npx turbo run build\` first`);
  }
  const ports = [await freePort(), await freePort(), await freePort()];
  const all = ports.map((port, i) => ({ id: `m${i}`, host: '127.0.0.1', port }));
  for (const m of all) members.push(new Member(m.id, m.port, all));
  await Promise.all(members.map((m) => m.start()));
  // As the registry does before it reports ready: wait until every member sees all three.
  const deadline = Date.now() + 10_000;
  for (const m of members) {
    while (((await m.call('view')) as string[]).length < 3) {
      if (Date.now() > deadline) throw new Error(`${m.id} does not see all members after 10 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}, 30_000);

afterAll(async () => {
  await Promise.all(members.map((m) => m.kill('SIGKILL')));
});

describe('Distro over WebSocket, three processes', () => {
  const expected: Record<string, string | null> = {};
  const keys = Array.from({ length: 60 }, (_, i) => `svc-${i}`);

  it('writes at every member converge on all three', async () => {
    const results = (await Promise.all(
      keys.map((key, i) => {
        expected[key] = `v1-${i}`;
        return members[i % 3]?.call('put', { key, value: `v1-${i}` });
      }),
    )) as { appliedBy: string; forwarded: boolean }[];
    // Each member owns a share of the keys, so writes were both applied locally and forwarded.
    expect(new Set(results.map((r) => r.appliedBy))).toEqual(new Set(['m0', 'm1', 'm2']));
    expect(results.some((r) => r.forwarded)).toBe(true);
    expect(results.some((r) => !r.forwarded)).toBe(true);
    await converged(members, keys, expected);
  }, 30_000);

  it('a paused member stalls nobody, catches up after it resumes, and resurrects no deleted key', async () => {
    const [a, b, c] = members as [Member, Member, Member];
    c.proc.kill('SIGSTOP');
    try {
      // Keys owned by c are forwarded, time out (500 ms) and fall back to the next owner. c still
      // holds the old values of the deleted keys when it resumes: they must not come back.
      const results = (await Promise.all(
        keys.slice(0, 20).map((key, i) => {
          const member = i % 2 ? a : b;
          if (i % 4 === 3) {
            expected[key] = null;
            return member.call('delete', { key });
          }
          expected[key] = `v2-${i}`;
          return member.call('put', { key, value: `v2-${i}` });
        }),
      )) as { appliedBy: string }[];
      expect(results.every((r) => r.appliedBy !== c.id)).toBe(true);
      await converged([a, b], keys, expected);
    } finally {
      c.proc.kill('SIGCONT');
    }
    await converged(members, keys, expected);
  }, 40_000);

  it('a SIGKILLed member restarts empty and reloads writes and deletes made while it was gone', async () => {
    const [a, b, c] = members as [Member, Member, Member];
    await c.kill('SIGKILL');
    await Promise.all(
      keys.slice(20, 40).map((key, i) => {
        expected[key] = i % 2 ? null : `v3-${i}`;
        return i % 2 ? a.call('delete', { key }) : b.call('put', { key, value: `v3-${i}` });
      }),
    );
    await converged([a, b], keys, expected);
    await c.start();
    await converged(members, keys, expected);
  }, 40_000);
});
