/** A running 3-member cluster the put workload can target: ours, etcd or ZooKeeper. */
export interface PutCluster {
  /** `kv`, `etcd` or `zookeeper`: also the load generator's target kind. */
  readonly kind: 'kv' | 'etcd' | 'zookeeper';
  /** Client endpoints `host:port`, one per member. */
  readonly endpoints: readonly string[];
  /** Server process ids (for CPU accounting). */
  readonly pids: readonly number[];
  /** The client endpoint of the current leader. */
  leaderEndpoint(): Promise<string>;
  /** Stops every process of the cluster and deletes its data. */
  stop(): Promise<void>;
}
