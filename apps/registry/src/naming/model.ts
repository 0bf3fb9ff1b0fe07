import type { ServiceKey } from './names.js';

/** One registered instance, as the registry keeps it. */
export interface InstanceRecord {
  readonly instanceId: string;
  readonly ip: string;
  readonly port: number;
  readonly clusterName: string;
  /** `group@@service`. */
  readonly serviceName: string;
  readonly weight: number;
  /** Health as the server sees it (beats for ephemeral instances, checks for persistent ones). */
  readonly healthy: boolean;
  readonly enabled: boolean;
  readonly ephemeral: boolean;
  /** Set when an operator fixed the health by hand; beats and checks then leave it alone. */
  readonly marked: boolean;
  readonly metadata: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch of the last beat (ephemeral) or registration. */
  readonly lastBeat: number;
  readonly app: string;
}

export type Selector = { readonly type: 'none' } | { readonly type: 'label'; readonly expression: string };

/** Service-level settings; instances are kept apart, keyed by the same `ServiceKey`. */
export interface ServiceRecord {
  readonly key: ServiceKey;
  /** In [0, 1]: below this healthy ratio every instance is served as healthy. */
  readonly protectThreshold: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly selector: Selector;
  readonly enabled: boolean;
}

/** How the server checks persistent instances of a cluster (Nacos' `healthChecker` JSON). */
export type HealthChecker =
  | { readonly type: 'TCP' }
  | {
      readonly type: 'HTTP';
      readonly path: string;
      /** Nacos' `k=v|k2=v2` header list. */
      readonly headers: string;
      readonly expectedResponseCode: number;
    }
  | { readonly type: 'MYSQL'; readonly user: string; readonly pwd: string; readonly cmd: string }
  | { readonly type: 'NONE' };

/** Per-cluster settings of a service; clusters without a record use {@link defaultCluster}. */
export interface ClusterRecord {
  readonly name: string;
  readonly healthChecker: HealthChecker;
  /** Port checked when `useInstancePort4Check` is false. */
  readonly checkPort: number;
  readonly useInstancePort4Check: boolean;
  readonly metadata: Readonly<Record<string, string>>;
}

/** A service as the CP state keeps it: its settings plus the clusters configured for it. */
export interface StoredService extends ServiceRecord {
  readonly clusters: Readonly<Record<string, ClusterRecord>>;
  /** When the command that created it was proposed (ms). */
  readonly createdAt: number;
}

/** Nacos' cluster defaults: TCP checks on the instance port; 80 otherwise. */
export function defaultCluster(name: string): ClusterRecord {
  return { name, healthChecker: { type: 'TCP' }, checkPort: 80, useInstancePort4Check: true, metadata: {} };
}

/** Settings of a service that exists only through its ephemeral instances. */
export function implicitService(key: ServiceKey): StoredService {
  return {
    key,
    protectThreshold: 0,
    metadata: {},
    selector: { type: 'none' },
    enabled: true,
    clusters: {},
    createdAt: 0,
  };
}
