/**
 * The closed set of error codes thrown by `@reg/distro`. Callers match on `code`, never on
 * `instanceof` (two installed copies of the package would break `instanceof`).
 */
export type DistroErrorCode =
  /** An option passed to a constructor is missing or out of range. */
  | 'DISTRO_INVALID_OPTION'
  /** A key is not a non-empty string. */
  | 'DISTRO_INVALID_KEY'
  /** A value to store is `undefined` (use `delete`). */
  | 'DISTRO_INVALID_VALUE'
  /** A message from a peer is malformed; it was ignored and changed nothing. */
  | 'DISTRO_BAD_MESSAGE'
  /** The engine was stopped; the operation did not run. */
  | 'DISTRO_STOPPED'
  /** A peer did not answer a request (timeout, dropped link, peer failure). */
  | 'DISTRO_PEER_UNAVAILABLE';

/** The one error class of `@reg/distro`; `code` is stable, causes are wrapped in `cause`. */
export class DistroError extends Error {
  /** Stable machine-readable code. */
  readonly code: DistroErrorCode;

  constructor(code: DistroErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DistroError';
    this.code = code;
  }
}

/** True when `err` is a {@link DistroError} (by code shape, so it works across package copies). */
export function isDistroError(err: unknown): err is DistroError {
  return (
    err instanceof Error &&
    err.name === 'DistroError' &&
    typeof (err as { code?: unknown }).code === 'string' &&
    (err as unknown as { code: string }).code.startsWith('DISTRO_')
  );
}
