/** Nacos' actions: read and write. A permission's action string grants every letter it contains (`rw`). */
export type Action = 'r' | 'w';

/**
 * What a request touches. Data resources are structured (namespace, group, `config/<dataId>` or
 * `naming/<service>`), so a `:` inside a user-supplied name can never shift a value into another
 * segment when a permission is matched. `*` in a segment means "every one" (a list or search);
 * only a permission with a wildcard there covers it. Other resources are plain names
 * (`console/users`, `naming/switches`).
 */
export type Resource = DataResource | { readonly kind: 'named'; readonly name: string };

export interface DataResource {
  readonly kind: 'data';
  /** `''` for the public namespace, as Nacos writes it. */
  readonly namespace: string;
  readonly group: string;
  /** `config/<dataId>` or `naming/<serviceName>`. */
  readonly name: string;
}

/** Every namespace, group and name of a type: what an id-only lookup (history by id) could reach. */
export const ANY = '*';

/** Nacos' `NamespaceUtil.processNamespaceParameter`: blank, `public` and `null` all mean the public namespace `''`. */
export function normalizeNamespace(raw: string | undefined): string {
  const value = raw?.trim() ?? '';
  const lower = value.toLowerCase();
  return lower === '' || lower === 'public' || lower === 'null' ? '' : value;
}

export function dataResource(namespace: string, group: string, name: string): DataResource {
  return { kind: 'data', namespace, group, name };
}

export function namedResource(name: string): Resource {
  return { kind: 'named', name };
}

/** The resource as Nacos prints it: `namespace:group:config/dataId`. */
export function describeResource(resource: Resource): string {
  return resource.kind === 'named'
    ? resource.name
    : `${resource.namespace}:${resource.group}:${resource.name}`;
}
