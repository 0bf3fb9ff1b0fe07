import type { Cluster } from '../cluster/harness/cluster.js';
import type { ClusterMonitor } from '../cluster/harness/cluster-monitor.js';

// Lines a healthy Node process may print on stderr without anything being wrong.
const BENIGN_STDERR = [/ExperimentalWarning/, /--trace-warnings/, /^\s*$/];

/**
 * Member-level checks after a scenario: no process exited that the harness did not kill, nothing
 * unexplained on stderr (pino logs go to stdout; stderr is for crashes), no fatal log line, and
 * resident memory under `maxRssMiB` throughout (sampled by the monitor).
 */
export function memberHealthViolations(
  cluster: Cluster,
  monitor: ClusterMonitor,
  maxRssMiB: number,
): string[] {
  const problems: string[] = [];
  for (const m of cluster.members) {
    for (const exit of m.unexpectedExits()) {
      problems.push(`m${m.index} exited on its own (code ${exit.code}, signal ${exit.signal})`);
    }
    const stderr = m
      .readUnexcusedStderr()
      .split('\n')
      .filter((line) => !BENIGN_STDERR.some((re) => re.test(line)));
    if (stderr.length > 0) problems.push(`m${m.index} wrote to stderr: ${stderr.slice(0, 5).join(' | ')}`);
    const fatal = m
      .readStdout()
      .split('\n')
      .filter((line) => line.includes('"level":60'));
    if (fatal.length > 0)
      problems.push(`m${m.index} logged fatal: ${fatal.slice(0, 3).join(' | ').slice(0, 600)}`);
  }
  for (const [address, peak] of monitor.peakRssMiB) {
    if (peak > maxRssMiB)
      problems.push(`${address} peaked at ${Math.round(peak)} MiB RSS (bound ${maxRssMiB} MiB)`);
  }
  if (monitor.peakRssMiB.size === 0) problems.push('no RSS sample was taken');
  return problems;
}
