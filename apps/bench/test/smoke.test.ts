import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScenarioReport } from '../src/report.js';

// Runs the built CLI (what `npm run bench` runs) with --smoke sizes: proves every scenario still
// starts its processes, measures, prints and writes a well-formed report. No timing assertions.
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'reg-bench-smoke-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function runCli(args: string[], timeoutMs = 25_000): Promise<{ code: number | null; output: string }> {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run "npx turbo run build" (npm test does it first)`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    // SIGTERM lets the CLI stop what it started; the test then fails on the exit code.
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function reportOf(scenario: string, dir: string): ScenarioReport {
  const files = readdirSync(dir).filter((f) => f.startsWith(`${scenario}-`) && f.endsWith('.json'));
  expect(files).toHaveLength(1);
  return JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as ScenarioReport;
}

const SCENARIOS: Array<[string, string[]]> = [
  ['raft-inproc', []],
  ['raft-cluster', []],
  ['naming', ['--members', '1']],
  ['config', ['--members', '1']],
  ['distro', ['--members', '2']],
  ['failover', []],
];

describe.concurrent('every scenario runs with tiny sizes and writes a well-formed report', () => {
  it.each(SCENARIOS)(
    '%s',
    async (scenario, extra) => {
      const dir = join(out, scenario);
      const { code, output } = await runCli([scenario, '--smoke', '--out', dir, ...extra]);
      expect(code, output).toBe(0);
      const report = reportOf(scenario, dir);
      expect(report.scenario).toBe(scenario);
      expect(report.command).toBe(
        `npm run bench -- ${[scenario, '--smoke', '--out', dir, ...extra].join(' ')}`,
      );
      expect(report.machine.cores).toBeGreaterThan(0);
      expect(report.machine.node).toBe(process.version);
      expect(report.uptimeStart).toMatch(/load average/);
      expect(report.tables.length).toBeGreaterThan(0);
      for (const table of report.tables) {
        expect(table.rows.length).toBeGreaterThan(0);
        for (const row of table.rows) expect(Object.keys(row).sort()).toEqual([...table.columns].sort());
        // Every table is printed.
        expect(output).toContain(`### ${table.title}`);
      }
      // The first table's first numeric column measured something (the harness did run a workload).
      const first = report.tables[0]!;
      const measured = first.rows.some((r) => Object.values(r).some((v) => typeof v === 'number' && v > 0));
      expect(measured).toBe(true);
    },
    40_000,
  );
});

describe('bad input', () => {
  it('an unknown scenario exits 2 with the list of scenarios and writes nothing', async () => {
    const dir = join(out, 'bad');
    const { code, output } = await runCli(['nope', '--out', dir]);
    expect(code).toBe(2);
    expect(output).toContain('BENCH_BAD_ARGUMENT: unknown scenario "nope"');
    expect(output).toContain('raft-cluster');
    expect(existsSync(dir)).toBe(false);
  });

  it('malformed flags and a comparison a scenario lacks are refused before anything starts', async () => {
    const bad = await runCli(['raft-cluster', '--conc', '1,x', '--runs', '0']);
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('--conc "1,x": expected positive integers separated by commas');
    expect(bad.output).toContain('--runs "0": expected a positive integer');
    const vs = await runCli(['naming', '--vs', 'etcd']);
    expect(vs.code).toBe(2);
    expect(vs.output).toContain('naming has no --vs etcd comparison');
  });
});
