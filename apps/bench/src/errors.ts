/** Stable codes of every failure the bench reports; callers match on `code`. */
export const BENCH_ERROR_CODES = [
  'BENCH_BAD_ARGUMENT',
  'BENCH_PEER_MISSING',
  'BENCH_START_FAILED',
  'BENCH_TIMEOUT',
  'BENCH_REQUEST_FAILED',
  'BENCH_NOT_BUILT',
] as const;

export type BenchErrorCode = (typeof BENCH_ERROR_CODES)[number];

/** The one error class of `@reg/bench`. Underlying failures are kept in `cause`. */
export class BenchError extends Error {
  override readonly name = 'BenchError';
  readonly code: BenchErrorCode;

  constructor(code: BenchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isBenchError(err: unknown, code?: BenchErrorCode): err is BenchError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'BenchError' &&
    (code === undefined || (err as { code?: unknown }).code === code)
  );
}
