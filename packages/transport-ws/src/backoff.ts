/** Reconnect backoff settings. */
export interface BackoffOptions {
  /** First delay cap in ms. Default 100. */
  readonly initialMs?: number;
  /** Largest delay in ms. Default 5000. */
  readonly maxMs?: number;
}

/**
 * Exponential backoff with "equal jitter": the cap doubles per failed attempt up to `maxMs`, and
 * the delay is drawn uniformly from [cap/2, cap]. The jitter keeps a cluster that restarts
 * together from redialling in lockstep; the floor of cap/2 keeps a dead peer from being
 * hammered when the random draw is small.
 */
export function backoffDelay(
  attempt: number,
  options: Required<BackoffOptions>,
  random: () => number,
): number {
  const cap = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return cap / 2 + random() * (cap / 2);
}
