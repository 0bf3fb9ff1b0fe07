/** One namespace (`tenant_info` row). The public namespace `''` is implicit and never stored. */
export interface NamespaceRecord {
  /** `tenant_id`: non-empty, at most 128 characters. */
  readonly id: string;
  readonly name: string;
  readonly desc: string;
  /** ms since the epoch. */
  readonly createdTime: number;
  /** ms since the epoch. */
  readonly modifiedTime: number;
}

/** The input of {@link NamespaceStore.create}. */
export interface CreateNamespaceInput {
  readonly id: string;
  readonly name: string;
  readonly desc?: string;
  /** Defaults to `Date.now()`; a replicated store passes the log entry's time. */
  readonly time?: number;
}

/**
 * Namespaces (Nacos `tenant_info`). Ordering: {@link list} returns namespaces by ascending
 * `createdTime`, ties by `id` (code point order).
 */
export interface NamespaceStore {
  /** Creates a namespace; `STORAGE_CONFLICT` if the id exists. */
  create(input: CreateNamespaceInput): Promise<NamespaceRecord>;
  /** The namespace, or `undefined`. */
  get(id: string): Promise<NamespaceRecord | undefined>;
  /** Renames / re-describes a namespace; `STORAGE_NOT_FOUND` if it does not exist. */
  update(id: string, change: { name: string; desc?: string; time?: number }): Promise<NamespaceRecord>;
  /** Removes a namespace (not its configs); resolves whether it existed. */
  delete(id: string): Promise<boolean>;
  /** Every stored namespace (bounded by the 128-character id space in practice; Nacos has no paging here). */
  list(): Promise<readonly NamespaceRecord[]>;
}
