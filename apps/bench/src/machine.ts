import { cpus, freemem, loadavg, totalmem } from 'node:os';

/** What the numbers were measured on; written into every result file. */
export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryMiB: number;
  readonly freeMemoryMiB: number;
  readonly node: string;
  readonly platform: string;
  /** 1, 5 and 15 minute load averages: the machine is shared, so this says how noisy a run was. */
  readonly loadAverage: readonly number[];
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    freeMemoryMiB: Math.round(freemem() / 2 ** 20),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
  };
}
