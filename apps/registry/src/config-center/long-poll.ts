import type { ConfigCenter } from './config-center.js';
import type { ListenedConfig } from './listening-configs.js';

/** Nacos answers a long poll this much before the client's timeout, so the answer beats it. */
export const EARLY_ANSWER_MS = 500;

/**
 * How long to hold a poll whose client asked for `timeoutMs`: Nacos' `max(10 s, timeout - 500)`
 * (the minimum is configurable for tests), capped so every poll ends in bounded time.
 */
export function holdTimeMs(timeoutMs: number, limits: { minHoldMs: number; maxHoldMs: number }): number {
  return Math.min(limits.maxHoldMs, Math.max(limits.minHoldMs, timeoutMs - EARLY_ANSWER_MS));
}

/**
 * The listened keys whose stored md5 differs from the client's (absent configs have md5 `''`, so
 * a client holding nothing for an absent config is up to date and does not spin).
 *
 * Reads pass the read barrier when one is available, so a client that already read a newer
 * version elsewhere is not told "changed" by a member that lags a few milliseconds. Without a
 * leader the comparison uses this member's store: listening must not stop in a partition.
 */
export async function changedConfigs(
  center: ConfigCenter,
  configs: readonly ListenedConfig[],
): Promise<ListenedConfig[]> {
  const compare = async (stale: boolean) =>
    center.read(
      async (storage) => {
        const changed: ListenedConfig[] = [];
        for (const c of configs) {
          const stored = await storage.configs.get(c);
          if ((stored?.md5 ?? '') !== c.md5) changed.push(c);
        }
        return changed;
      },
      { stale },
    );
  try {
    return await compare(false);
  } catch (err) {
    if (
      (err as { code?: unknown }).code === 'REG_NO_LEADER' ||
      (err as { code?: unknown }).code === 'REG_CP_TIMEOUT'
    ) {
      return compare(true);
    }
    throw err;
  }
}
