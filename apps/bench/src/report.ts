import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type MachineInfo, machineInfo } from './machine.js';

export type Cell = string | number | null;

/** One printed table; rows are keyed by column name. */
export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<Record<string, Cell>>;
}

/** What a scenario measured: tables for people, raw data for tools. */
export interface ScenarioOutcome {
  readonly settings: Record<string, unknown>;
  readonly tables: readonly Table[];
  readonly raw: unknown;
  readonly notes?: readonly string[];
}

/** The JSON file written for every run. */
export interface ScenarioReport extends ScenarioOutcome {
  readonly scenario: string;
  /** The exact command that produced it. */
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  /** `uptime` at the start and the end: the machine is shared. */
  readonly uptimeStart: string;
  readonly uptimeEnd: string;
}

export function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8', timeout: 2_000 }).trim();
  } catch {
    return `loadavg ${machineInfo().loadAverage.join(' ')}`;
  }
}

/** Numbers with thousands separators; small ones with 2 decimals. */
export function formatCell(value: Cell): string {
  if (value === null) return '-';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return '-';
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(2);
}

/** A Markdown table (pasteable into a README). */
export function renderTable(table: Table): string {
  const header = `| ${table.columns.join(' | ')} |`;
  const rule = `| ${table.columns.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`;
  const rows = table.rows.map((r) => `| ${table.columns.map((c) => formatCell(r[c] ?? null)).join(' | ')} |`);
  return [`### ${table.title}`, '', header, rule, ...rows].join('\n');
}

/** Writes `<out>/<scenario>-<time>.json` and returns its path. */
export function writeReport(out: string, report: ScenarioReport): string {
  mkdirSync(out, { recursive: true });
  const file = join(out, `${report.scenario}-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
