import { type Logger, pino } from 'pino';
import type { LogLevel } from './config/load-config.js';

/** The process' root logger; components take `root.child({ component })`. */
export function createRootLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    redact: {
      paths: ['password', '*.password', 'accessToken', '*.accessToken', 'token', '*.token'],
      censor: '[redacted]',
    },
  });
}
