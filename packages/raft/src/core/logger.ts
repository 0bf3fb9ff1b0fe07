/**
 * The structural logger `@reg/raft` accepts: a subset of pino. Pass `pino().child({ component: 'raft' })`
 * or anything with the same shape. Messages are short fixed phrases; data goes in the object.
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
