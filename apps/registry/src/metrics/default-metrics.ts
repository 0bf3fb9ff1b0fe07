import { collectDefaultMetrics, Registry } from 'prom-client';

let defaults: Registry | undefined;

/**
 * Process and Node.js metrics (CPU, memory, event loop lag, GC, handles), collected once per
 * process: they describe the process, not one registry, and prom-client's collectors (a GC
 * observer, an event-loop histogram) cannot be stopped, so tests that start many registries in one
 * process must not create one set each.
 */
export function processMetrics(): Registry {
  if (defaults === undefined) {
    defaults = new Registry();
    collectDefaultMetrics({ register: defaults });
  }
  return defaults;
}
