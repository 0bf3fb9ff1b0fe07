/**
 * The logger the client writes to: a structural subset of pino, so a pino logger (or a child of
 * one) can be passed as is. The client never imports a logging library.
 */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  child(bindings: object): Logger;
}

const noop = (): void => {};

/** The default: drops everything. */
export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};
