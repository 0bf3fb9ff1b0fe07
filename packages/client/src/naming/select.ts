import type { Instance } from './model.js';

/** Instances a caller may send traffic to, with the health it asked for. */
export function usable(instances: readonly Instance[], healthy: boolean): Instance[] {
  return instances.filter((i) => i.healthy === healthy && i.enabled && i.weight > 0);
}

/**
 * Weighted random choice: each instance is picked with probability weight / total weight.
 * Undefined for an empty list. `random` returns values in [0, 1).
 */
export function pickWeighted(instances: readonly Instance[], random: () => number): Instance | undefined {
  if (instances.length === 0) return undefined;
  const total = instances.reduce((sum, i) => sum + i.weight, 0);
  let point = random() * total;
  for (const instance of instances) {
    point -= instance.weight;
    if (point < 0) return instance;
  }
  // Only reached through floating-point rounding at the very top of the range.
  return instances[instances.length - 1];
}
