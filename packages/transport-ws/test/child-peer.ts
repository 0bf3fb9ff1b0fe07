import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./fixtures/peer.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Throws a clear error when the package has not been built (the fixture runs the built code). */
export function requireDist(): void {
  if (!existsSync(DIST)) {
    throw new Error(
      `${DIST} is missing: multi-process tests run the built package. Run \`npx turbo run build --filter=@reg/transport-ws\` first (root \`npm test\` does).`,
    );
  }
}

/** Config of one child transport. */
export interface ChildConfig {
  id: string;
  secret: string;
  port: number;
  peers: Array<{ id: string; host: string; port: number }>;
}

/** A transport running in a child process. */
export class ChildPeer {
  readonly proc: ChildProcess;
  readonly notes: Array<{ from: string; m: unknown }> = [];
  readonly up = new Set<string>();
  private seq = 0;
  private readonly waiting = new Map<number, (r: { value?: unknown; error?: string }) => void>();
  readonly ready: Promise<number>;

  constructor(readonly config: ChildConfig) {
    this.proc = fork(FIXTURE, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.ready = new Promise((resolve, reject) => {
      this.proc.once('exit', (code) => reject(new Error(`peer ${config.id} exited with ${code}`)));
      this.proc.on('message', (msg: { type: string; [k: string]: unknown }) => {
        if (msg.type === 'ready') resolve(msg.port as number);
        else if (msg.type === 'peerUp') this.up.add(msg.id as string);
        else if (msg.type === 'note') this.notes.push({ from: msg.from as string, m: msg.m });
        else if (msg.type === 'result') {
          this.waiting.get(msg.seq as number)?.(msg as { value?: unknown; error?: string });
          this.waiting.delete(msg.seq as number);
        }
      });
    });
    this.ready.catch(() => {});
  }

  /** Runs a command in the child; rejects with the child's error code. */
  call(cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.config.id}: ${cmd} got no answer`)), 10_000);
      this.waiting.set(seq, (r) => {
        clearTimeout(timer);
        if (r.error !== undefined) reject(Object.assign(new Error(r.error), { code: r.error }));
        else resolve(r.value);
      });
      this.proc.send({ cmd, seq, ...args });
    });
  }

  /** SIGKILLs the child and waits for it to exit. */
  async kill(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGKILL');
    await exited;
  }
}
