import type { Logger } from '@reg/storage';

/** One captured log line. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly obj: Record<string, unknown>;
}

/** A logger that records every line, for asserting what an operator would see. */
export function captureLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const make = (bindings: Record<string, unknown>): Logger => ({
    debug: (obj, msg) => lines.push({ level: 'debug', msg, obj: { ...bindings, ...obj } }),
    info: (obj, msg) => lines.push({ level: 'info', msg, obj: { ...bindings, ...obj } }),
    warn: (obj, msg) => lines.push({ level: 'warn', msg, obj: { ...bindings, ...obj } }),
    error: (obj, msg) => lines.push({ level: 'error', msg, obj: { ...bindings, ...obj } }),
    child: (more) => make({ ...bindings, ...more }),
  });
  return Object.assign(make({}), { lines });
}
