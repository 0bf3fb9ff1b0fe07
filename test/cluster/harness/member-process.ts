import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trackChild } from './cleanup.js';

/** The built server, as `npm start` runs it (`npm test` builds first). */
export const REGISTRY_MAIN = fileURLToPath(new URL('../../../apps/registry/dist/main.js', import.meta.url));

/** What the harness believes a member is doing. */
export type MemberState = 'running' | 'paused' | 'killed' | 'stopped';

/** One exit of a member process, and whether the harness caused it. */
export interface MemberExit {
  readonly at: number;
  readonly code: number | null;
  readonly signal: string | null;
  readonly expected: boolean;
}

export interface MemberSpec {
  readonly index: number;
  readonly port: number;
  /** Holds `conf/` (cluster.conf, application.properties), `data/` and the log files. */
  readonly home: string;
  readonly env: Record<string, string>;
}

/**
 * One registry process: `dist/main.js -m cluster` on 127.0.0.1 with its own home. Faults are
 * signals: SIGKILL (crash, nothing flushed), SIGSTOP/SIGCONT (a pause, as a long GC or a frozen
 * VM), and a restart on the same port and data. stdout and stderr go to files in the home so a
 * failing run leaves its logs behind.
 */
export class MemberProcess {
  readonly index: number;
  readonly port: number;
  readonly peerPort: number;
  readonly home: string;
  /** `127.0.0.1:<port>`: the member's identity in cluster.conf. */
  readonly address: string;
  /** `http://127.0.0.1:<port>/nacos` */
  readonly base: string;
  readonly exits: MemberExit[] = [];
  state: MemberState = 'stopped';
  /** Set by the harness once readiness answered 200 after the latest start. */
  ready = false;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #expectExit = false;
  #starts = 0;
  /** Byte ranges of stderr written by processes whose exit the harness expected. */
  readonly #excusedStderr: [number, number][] = [];
  readonly #env: Record<string, string>;

  constructor(spec: MemberSpec) {
    this.index = spec.index;
    this.port = spec.port;
    this.peerPort = spec.port - 1000;
    this.home = spec.home;
    this.address = `127.0.0.1:${spec.port}`;
    this.base = `http://127.0.0.1:${spec.port}/nacos`;
    this.#env = spec.env;
  }

  get pid(): number | undefined {
    return this.state === 'running' || this.state === 'paused' ? this.#child?.pid : undefined;
  }

  get stdoutPath(): string {
    return join(this.home, 'stdout.log');
  }

  get stderrPath(): string {
    return join(this.home, 'stderr.log');
  }

  /** Spawns the process (logs are appended, so restarts keep earlier output). */
  start(): void {
    if (this.state === 'running' || this.state === 'paused') throw new Error(`member ${this.index} runs`);
    if (!existsSync(REGISTRY_MAIN))
      throw new Error(`${REGISTRY_MAIN} is missing: run "npm run build" (npm test does it first)`);
    const stderrFrom = existsSync(this.stderrPath) ? statSync(this.stderrPath).size : 0;
    const out = openSync(this.stdoutPath, 'a');
    const err = openSync(this.stderrPath, 'a');
    const args = ['-m', 'cluster', '--home', this.home, '--port', String(this.port)];
    args.push('--address', '127.0.0.1', '--ip', '127.0.0.1');
    const child = spawn(process.execPath, [REGISTRY_MAIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...this.#env },
      stdio: ['ignore', out, err],
    });
    closeSync(out);
    closeSync(err);
    trackChild(child);
    this.#child = child;
    this.#expectExit = false;
    this.#starts++;
    this.ready = false;
    this.state = 'running';
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exits.push({ at: Date.now(), code, signal, expected: this.#expectExit });
        if (this.#expectExit) this.#excusedStderr.push([stderrFrom, statSync(this.stderrPath).size]);
        if (this.#child === child && this.state !== 'killed' && this.state !== 'stopped')
          this.state = 'stopped';
        resolve();
      });
    });
  }

  /**
   * The current process may exit on its own without that counting as a crash (a member expected
   * to refuse to start, e.g. on corrupted data).
   */
  allowExit(allowed = true): void {
    this.#expectExit = allowed;
  }

  /** Resolves when the current process has exited. */
  get exited(): Promise<void> {
    return this.#exited;
  }

  /** How many times the process was started. */
  get starts(): number {
    return this.#starts;
  }

  /** kill -9: the process dies at once, nothing in flight is flushed. */
  async kill9(): Promise<void> {
    if (!this.#child || this.state === 'killed' || this.state === 'stopped') return;
    this.#expectExit = true;
    this.state = 'killed';
    this.#child.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGSTOP: the process freezes with its sockets open; peers see silence, not a closed port. */
  pause(): void {
    if (this.state !== 'running') throw new Error(`member ${this.index} is ${this.state}, cannot pause`);
    this.#child?.kill('SIGSTOP');
    this.state = 'paused';
  }

  /** SIGCONT after {@link pause}. */
  resume(): void {
    if (this.state !== 'paused') throw new Error(`member ${this.index} is ${this.state}, cannot resume`);
    this.#child?.kill('SIGCONT');
    this.state = 'running';
  }

  /** kill -9 (if running) and start again on the same port and data. */
  async restart(): Promise<void> {
    await this.kill9();
    this.start();
  }

  /** SIGKILL for cleanup; the exit counts as expected. */
  async stop(): Promise<void> {
    if (this.state === 'paused') this.#child?.kill('SIGCONT');
    if (this.#child && (this.state === 'running' || this.state === 'paused')) {
      this.#expectExit = true;
      this.#child.kill('SIGKILL');
      await this.#exited;
    }
    this.state = 'stopped';
  }

  /** Resident set size in MiB from /proc (Linux), or undefined when not running. */
  rssMiB(): number | undefined {
    const pid = this.pid;
    if (pid === undefined) return undefined;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
      return kb === undefined ? undefined : Number(kb) / 1024;
    } catch {
      return undefined;
    }
  }

  /** Exits the harness did not cause (a crash of the member itself). */
  unexpectedExits(): MemberExit[] {
    return this.exits.filter((e) => !e.expected);
  }

  readStdout(): string {
    return existsSync(this.stdoutPath) ? readFileSync(this.stdoutPath, 'utf8') : '';
  }

  /** stderr without what processes wrote that were meant to exit (a refused start, say). */
  readUnexcusedStderr(): string {
    const bytes = existsSync(this.stderrPath) ? readFileSync(this.stderrPath) : Buffer.alloc(0);
    let text = '';
    let at = 0;
    for (const [from, to] of this.#excusedStderr) {
      text += bytes.subarray(at, from).toString('utf8');
      at = to;
    }
    return text + bytes.subarray(at).toString('utf8');
  }

  readStderr(): string {
    return existsSync(this.stderrPath) ? readFileSync(this.stderrPath, 'utf8') : '';
  }
}
