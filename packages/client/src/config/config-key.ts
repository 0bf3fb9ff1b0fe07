import { ClientError } from '../errors.js';
import { DEFAULT_GROUP } from '../options.js';

/** One config: data id, group and tenant (namespace; `''` is the public one). */
export interface ConfigKey {
  readonly dataId: string;
  readonly group: string;
  readonly tenant: string;
}

/** Nacos' config name charset: Unicode letters and digits plus `_ - . :`. */
const CONFIG_NAME = /^[\p{L}\p{N}_\-.:]+$/u;

/** Checks a data id and group as servers do, before anything is sent. */
export function configKey(dataId: unknown, group: unknown, tenant: string): ConfigKey {
  return {
    dataId: checkConfigName(dataId, 'dataId', 256),
    group: checkConfigName(group ?? DEFAULT_GROUP, 'group', 128),
    tenant,
  };
}

function checkConfigName(value: unknown, what: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ClientError('CLIENT_INVALID_ARGUMENT', `${what} must be a non-empty string`);
  }
  const name = value.trim();
  if (!CONFIG_NAME.test(name) || name.length > max) {
    throw new ClientError(
      'CLIENT_INVALID_ARGUMENT',
      `${what} "${name}" may only hold letters, digits and _-.: (at most ${max})`,
    );
  }
  return name;
}

/** The tenant configs are sent with: Nacos' public namespace is the empty tenant. */
export function tenantOf(namespace: string): string {
  return namespace === 'public' ? '' : namespace;
}

/** A map key for one config within a client (the tenant is the client's). */
export function configMapKey(key: Pick<ConfigKey, 'dataId' | 'group'>): string {
  return `${key.dataId}\u0002${key.group}`;
}
