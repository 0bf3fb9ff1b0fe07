/**
 * The structural logger the transport accepts: a subset of pino, so the registry can pass
 * `root.child({ component: 'cluster' })` while the library never imports pino.
 */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  child(bindings: object): Logger;
}

const noop = (): void => {};

/** A logger that discards everything; the default. */
export const noopLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => noopLogger,
};
