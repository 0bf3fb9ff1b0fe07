import { grantCovers } from './permission-matcher.js';
import type { Action, Resource } from './resource.js';
import type { Principal } from './user-directory.js';

/**
 * Nacos' decision: a global admin may do anything; console resources (users, roles,
 * permissions, namespaces) are for global admins only; anything else needs, for every resource
 * the request touches, a permission of one of the user's roles that covers it.
 */
export function permits(principal: Principal, resources: readonly Resource[], action: Action): boolean {
  if (principal.globalAdmin) return true;
  if (resources.length === 0) return false;
  return resources.every((resource) => {
    if (resource.kind === 'named' && resource.name.startsWith('console/')) return false;
    return principal.permissions.some((grant) => grantCovers(grant, resource, action));
  });
}
