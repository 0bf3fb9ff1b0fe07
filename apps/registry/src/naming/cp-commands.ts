import { RegistryError } from '../errors.js';
import type { InstanceOp } from './instance-ops.js';
import type { ClusterRecord, Selector } from './model.js';
import { checkClusterName, serviceKeyOf } from './names.js';
import { isClusterRecord, isInstanceOp, isMetadata, isSelector } from './record-guards.js';
import { parseSwitchUpdate } from './switches.js';

/** Names a service in a command: namespace and grouped name (`group@@service`). */
export interface ServiceRef {
  readonly ns: string;
  readonly grouped: string;
}

/**
 * The commands of the `naming` CP module: everything persistent (services, persistent instances,
 * cluster settings, switches). Each is applied on every member in log order.
 */
export type NamingCommand =
  | (ServiceRef & {
      readonly t: 'service.create';
      readonly protectThreshold: number;
      readonly metadata: Readonly<Record<string, string>>;
      readonly selector: Selector;
    })
  | (ServiceRef & {
      readonly t: 'service.update';
      readonly protectThreshold: number;
      readonly metadata: Readonly<Record<string, string>>;
      readonly selector?: Selector;
    })
  | (ServiceRef & { readonly t: 'service.delete' })
  /** A change to the service's persistent instances; registration creates the service (not in CP mode). */
  | (ServiceRef & {
      readonly t: 'instances';
      readonly op: InstanceOp;
      /** Set in CP mode: a registration into a missing service is refused instead of creating it. */
      readonly requireService?: boolean;
    })
  | (ServiceRef & { readonly t: 'cluster'; readonly cluster: ClusterRecord })
  | { readonly t: 'switch'; readonly entry: string; readonly value: string };

/** Refusals are results, not throws: `apply` must not throw for a valid command. */
export type NamingResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** Both are 400s in Nacos; the message is its text. */
      readonly reason: 'exists' | 'missing';
      readonly message: string;
    };

export const OK: NamingResult = Object.freeze({ ok: true });

/** Checks a command from an HTTP handler or the log; throws RegistryError for anything malformed. */
export function validateNamingCommand(raw: unknown): NamingCommand {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('not an object');
  const c = raw as Record<string, unknown>;
  if (c.t === 'switch') {
    if (typeof c.entry !== 'string' || typeof c.value !== 'string') throw bad('switch needs entry and value');
    parseSwitchUpdate(c.entry, c.value);
    return { t: 'switch', entry: c.entry, value: c.value };
  }
  if (typeof c.ns !== 'string' || typeof c.grouped !== 'string') throw bad('missing service');
  serviceKeyOf(c.ns, c.grouped);
  const ref = { ns: c.ns, grouped: c.grouped };
  switch (c.t) {
    case 'service.create':
    case 'service.update':
      if (!isThreshold(c.protectThreshold) || !isMetadata(c.metadata)) throw bad('bad service settings');
      if (c.t === 'service.create') {
        if (!isSelector(c.selector)) throw bad('bad selector');
        return {
          ...ref,
          t: c.t,
          protectThreshold: c.protectThreshold,
          metadata: c.metadata,
          selector: c.selector,
        };
      }
      if (c.selector !== undefined && !isSelector(c.selector)) throw bad('bad selector');
      return {
        ...ref,
        t: c.t,
        protectThreshold: c.protectThreshold,
        metadata: c.metadata,
        ...(c.selector !== undefined && { selector: c.selector as Selector }),
      };
    case 'service.delete':
      return { ...ref, t: c.t };
    case 'instances':
      if (!isInstanceOp(c.op)) throw bad('bad instance operation');
      return { ...ref, t: c.t, op: c.op, ...(c.requireService === true && { requireService: true }) };
    case 'cluster':
      if (!isClusterRecord(c.cluster)) throw bad('bad cluster');
      checkClusterName(c.cluster.name);
      return { ...ref, t: c.t, cluster: c.cluster };
    default:
      throw bad(`unknown command ${String(c.t)}`);
  }
}

function isThreshold(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function bad(what: string): RegistryError {
  return new RegistryError('REG_BODY_INVALID', `naming command refused: ${what}`);
}
