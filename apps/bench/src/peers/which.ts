import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BenchError } from '../errors.js';

/** Throws `BENCH_PEER_MISSING` with the install command when `command` does not run. */
export function requireCommand(command: string, versionArgs: readonly string[], install: string): void {
  const r = spawnSync(command, [...versionArgs], { stdio: 'ignore', timeout: 10_000 });
  if (r.error || r.status !== 0)
    throw new BenchError('BENCH_PEER_MISSING', `${command} is not installed (install: ${install})`);
}

export function requireFile(path: string, install: string): void {
  if (!existsSync(path))
    throw new BenchError('BENCH_PEER_MISSING', `${path} is missing (install: ${install})`);
}

export function peerInstalled(kind: 'etcd' | 'zookeeper'): boolean {
  try {
    if (kind === 'etcd') requireCommand(process.env.ETCD_BIN ?? 'etcd', ['--version'], '');
    else {
      requireCommand(process.env.JAVA ?? 'java', ['-version'], '');
      requireFile(process.env.ZK_CLASSPATH ?? '/usr/share/java/zookeeper.jar', '');
    }
    return true;
  } catch {
    return false;
  }
}
