/**
 * The structural logger the engine accepts: a subset of pino. Libraries never import pino; the
 * registry passes `root.child({ component: 'distro' })`.
 */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  child(bindings: object): Logger;
}

const noop = (): void => {};

/** A logger that discards everything (the default). */
export const noopLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => noopLogger,
};
