/**
 * The closed set of error codes thrown by `@reg/client`. Callers match on `code`, never on
 * `instanceof` (two installed copies of the package would break `instanceof`).
 */
export type ClientErrorCode =
  /** An option passed to a constructor is missing, of the wrong type or out of range. */
  | 'CLIENT_INVALID_OPTION'
  /** An argument of a call (service name, data id, port, ...) is invalid; nothing was sent. */
  | 'CLIENT_INVALID_ARGUMENT'
  /** No server could be reached (network errors, timeouts, 5xx on every address). */
  | 'CLIENT_SERVER_UNAVAILABLE'
  /** A server refused the request for a reason retrying elsewhere cannot fix (4xx); see `status`. */
  | 'CLIENT_REQUEST_REJECTED'
  /** A server's answer could not be read (not the JSON or text the protocol promises). */
  | 'CLIENT_BAD_RESPONSE'
  /** Login failed (bad credentials), or a request was still refused with 403 after a fresh login. */
  | 'CLIENT_AUTH_FAILED'
  /** `publishConfig` with `casMd5`: the stored md5 differs; nothing was written. */
  | 'CLIENT_CONFIG_CAS_MISMATCH'
  /** `selectOneHealthyInstance` found no healthy, enabled instance with a positive weight. */
  | 'CLIENT_NO_HEALTHY_INSTANCE'
  /** The caller's `AbortSignal` fired; the operation stopped. */
  | 'CLIENT_ABORTED'
  /** The client was closed; the operation did not run. */
  | 'CLIENT_CLOSED';

/** The one error class of `@reg/client`; `code` is stable, causes are wrapped in `cause`. */
export class ClientError extends Error {
  /** Stable machine-readable code. */
  readonly code: ClientErrorCode;
  /** The HTTP status of the last server answer, when one was received. */
  readonly status: number | undefined;

  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ClientError';
    this.code = code;
    this.status = options?.status;
  }
}

/** True when `err` is a {@link ClientError} (by shape, so it works across package copies). */
export function isClientError(err: unknown): err is ClientError {
  return (
    err instanceof Error &&
    err.name === 'ClientError' &&
    typeof (err as { code?: unknown }).code === 'string' &&
    (err as unknown as { code: string }).code.startsWith('CLIENT_')
  );
}

/** Throws `CLIENT_ABORTED` (with the signal's reason as cause) when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new ClientError('CLIENT_ABORTED', 'the operation was aborted', { cause: signal.reason });
}
