import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

/** A child this run started: its output so far and a promise of its exit. */
export interface Child {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly pid: number;
  output(): string;
  /** Resolves with the exit code or signal name once the process has exited. */
  readonly exited: Promise<number | string>;
  readonly hasExited: () => boolean;
}

const OUTPUT_LIMIT = 64 * 1024;
const children = new Set<Child>();
const folders = new Set<string>();

/**
 * Starts a child and remembers it, so {@link stopAll} (run on exit, error and interrupt) stops it.
 * Output is kept (last 64 KiB) for error messages.
 */
export function startChild(
  name: string,
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Child {
  const proc = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'], ...options });
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString();
    if (out.length > OUTPUT_LIMIT) out = out.slice(-OUTPUT_LIMIT);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    proc.once('exit', (code, signal) => {
      done = true;
      resolve(code ?? signal ?? -1);
    });
    proc.once('error', (err) => {
      done = true;
      out += `\nspawn failed: ${err.message}`;
      resolve(-1);
    });
  });
  const child: Child = { name, proc, pid: proc.pid ?? -1, output: () => out, exited, hasExited: () => done };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

/** SIGKILL, then wait for the exit. */
export async function killChild(child: Child): Promise<void> {
  if (child.hasExited()) return;
  child.proc.kill('SIGKILL');
  await child.exited;
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL. */
export async function stopChild(child: Child, graceMs = 3_000): Promise<void> {
  if (child.hasExited()) return;
  child.proc.kill('SIGTERM');
  const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), graceMs).unref());
  if ((await Promise.race([child.exited, timer])) === 'late') await killChild(child);
}

/** Remembers a temporary folder to delete in {@link stopAll}. */
export function trackFolder(path: string): string {
  folders.add(path);
  return path;
}

export function removeFolder(path: string): void {
  rmSync(path, { recursive: true, force: true });
  folders.delete(path);
}

/** Stops every child still running (by its own pid) and deletes tracked folders. */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c, 2_000)));
  for (const f of [...folders]) removeFolder(f);
}

/** Synchronous last resort for `process.on('exit')`: SIGKILL what is left, by pid. */
export function killAllNow(): void {
  for (const c of children) if (!c.hasExited()) c.proc.kill('SIGKILL');
  for (const f of folders) rmSync(f, { recursive: true, force: true });
}
