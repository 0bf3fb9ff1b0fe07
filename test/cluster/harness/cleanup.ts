import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * Last-resort cleanup for everything a harness started: if the test process exits without its
 * afterAll hooks (a crash, a hard timeout), no registry process survives it and no temporary
 * folder is left behind (unless kept for a failure report).
 */
const children = new Set<ChildProcess>();
const folders = new Set<string>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });
}

export function trackChild(child: ChildProcess): void {
  install();
  children.add(child);
  child.once('exit', () => children.delete(child));
}

export function trackFolder(folder: string): void {
  install();
  folders.add(folder);
}

/** The folder is removed (or deliberately kept) by its owner: stop tracking it. */
export function untrackFolder(folder: string): void {
  folders.delete(folder);
}
