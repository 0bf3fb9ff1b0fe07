#!/usr/bin/env node
// reg-bench <scenario> [--vs etcd|zookeeper] [flags]: runs one benchmark scenario, prints its
// tables and writes a JSON report (machine, load, exact command) under apps/bench/results/.
import { fileURLToPath } from 'node:url';
import { commonOptions, helpText, parseFlags } from './args.js';
import { BenchError, isBenchError } from './errors.js';
import { machineInfo } from './machine.js';
import { peerInstalled } from './peers/which.js';
import { killAllNow, stopAll } from './processes.js';
import { renderTable, type ScenarioReport, uptime, writeReport } from './report.js';
import { SCENARIOS } from './scenarios/index.js';

const DEFAULT_OUT = fileURLToPath(new URL('../results', import.meta.url));

function usage(): string {
  return [
    'usage: npm run bench -- <scenario> [--vs etcd|zookeeper] [flags]',
    '',
    'scenarios:',
    ...SCENARIOS.map((s) => `  ${s.name.padEnd(13)} ${s.summary}`),
    '',
    'flags of a scenario: npm run bench -- <scenario> --help',
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario)
    throw new BenchError('BENCH_BAD_ARGUMENT', `unknown scenario ${JSON.stringify(name)}\n\n${usage()}`);
  const flags = parseFlags(rest, scenario.flags);
  if (flags.help) {
    console.log(`${scenario.name}: ${scenario.summary}\n\n${helpText(scenario.flags)}`);
    return 0;
  }
  const options = commonOptions(flags, scenario.defaults, DEFAULT_OUT);
  if (options.vs && !scenario.peers.includes(options.vs))
    throw new BenchError('BENCH_BAD_ARGUMENT', `${scenario.name} has no --vs ${options.vs} comparison`);
  if (options.vs && !peerInstalled(options.vs))
    throw new BenchError(
      'BENCH_PEER_MISSING',
      `--vs ${options.vs}: not installed (apt-get install ${options.vs === 'etcd' ? 'etcd-server etcd-client' : 'zookeeper'})`,
    );
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const uptimeStart = uptime();
  console.log(
    `${scenario.name}: ${machine.cores} cores, ${machine.memoryMiB} MiB, node ${machine.node}; ${uptimeStart}`,
  );
  const outcome = await scenario.run(flags, options, (line) => console.log(line));
  const report: ScenarioReport = {
    scenario: scenario.name,
    command: `npm run bench -- ${argv.join(' ')}`,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    uptimeStart,
    uptimeEnd: uptime(),
    ...outcome,
  };
  console.log('');
  for (const table of outcome.tables) console.log(`${renderTable(table)}\n`);
  for (const note of outcome.notes ?? []) console.log(`note: ${note}`);
  console.log(`${report.uptimeEnd}\nresult: ${writeReport(options.out, report)}`);
  return 0;
}

// Whatever happens, stop what we started: on error, on Ctrl-C, on SIGTERM.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping everything this run started`);
    void stopAll().finally(() => process.exit(130));
  });
process.on('exit', killAllNow);

main(process.argv.slice(2)).then(
  async (code) => {
    await stopAll();
    process.exit(code);
  },
  async (err: unknown) => {
    await stopAll();
    console.error(isBenchError(err) ? `${err.code}: ${err.message}` : err);
    process.exit(isBenchError(err, 'BENCH_BAD_ARGUMENT') ? 2 : 1);
  },
);
