import {
  AUTH_LIMITS,
  type ConfigKey,
  checkString,
  isStorageError,
  type PublishConfigInput,
  validateConfigKey,
  validatePublish,
} from '@reg/storage';
import { RegistryError } from '../errors.js';
import { checkDataIdAndGroup, normalizeTenant } from './config-names.js';

/** Who asked for a change (history rows keep it). */
export interface ChangeSource {
  readonly srcUser: string;
  readonly srcIp: string;
}

/**
 * The config center's replicated commands. With embedded storage every write is one of these in
 * the Raft log, applied on every member; with MySQL storage only `notify` travels through the
 * log (the handling member writes the shared database itself).
 *
 * Commands are plain JSON: no class instances, no `undefined`-vs-absent distinctions that a
 * serializer could blur. `time` is never in a command: apply takes it from the log position.
 */
export type ConfigCommand =
  | { readonly op: 'publish'; readonly config: PublishSpec }
  | { readonly op: 'delete'; readonly key: ConfigKey; readonly source: ChangeSource }
  | { readonly op: 'delete-ids'; readonly ids: readonly number[]; readonly source: ChangeSource }
  | { readonly op: 'namespace-create'; readonly namespace: NamespaceSpec }
  | { readonly op: 'namespace-update'; readonly namespace: NamespaceSpec }
  | { readonly op: 'namespace-delete'; readonly id: string }
  | { readonly op: 'notify'; readonly keys: readonly ConfigKey[] }
  /**
   * Retention: removes every history row older than `before` (ms). All of them, not a batch: a
   * bounded batch re-applied after a crash would remove a second batch on one member only.
   */
  | { readonly op: 'history-purge'; readonly before: number };

/** A publish, as {@link PublishConfigInput} without `time`. `casMd5` absent = unconditional. */
export type PublishSpec = Omit<PublishConfigInput, 'time'> & ChangeSource;

export interface NamespaceSpec {
  readonly id: string;
  readonly name: string;
  readonly desc: string;
}

/** How many ids one batch delete may name (the console deletes a page at a time). */
export const MAX_DELETE_IDS = 1000;
/** How many keys one notify may carry (a batch delete's worth). */
export const MAX_NOTIFY_KEYS = MAX_DELETE_IDS;
/** History rows removed per storage write while applying a purge. */
export const PURGE_BATCH_ROWS = 1000;

function bad(message: string, cause?: unknown): RegistryError {
  return new RegistryError('REG_CONFIG_INVALID', message, cause === undefined ? undefined : { cause });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(obj: Record<string, unknown>, field: string): string {
  const v = obj[field];
  if (typeof v !== 'string') throw bad(`${field} must be a string`);
  return v;
}

function optionalStr(obj: Record<string, unknown>, field: string): string | undefined {
  const v = obj[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw bad(`${field} must be a string`);
  return v;
}

/** A config key as commands carry it: Nacos names, tenant already normalised. */
function configKey(v: unknown): ConfigKey {
  if (!isObject(v)) throw bad('config key must be an object');
  const key = { dataId: str(v, 'dataId'), group: str(v, 'group'), tenant: str(v, 'tenant') };
  checkDataIdAndGroup(key.dataId, key.group);
  if (normalizeTenant(key.tenant) !== key.tenant) throw bad('invalid tenant');
  storageCheck(() => validateConfigKey(key));
  return key;
}

function source(v: unknown): ChangeSource {
  if (!isObject(v)) throw bad('source must be an object');
  return { srcUser: str(v, 'srcUser'), srcIp: str(v, 'srcIp') };
}

/** Runs a storage validator, turning its refusal into the config center's 400. */
function storageCheck(check: () => void): void {
  try {
    check();
  } catch (err) {
    if (isStorageError(err)) throw bad(err.message, err);
    throw err;
  }
}

function publishSpec(v: unknown): PublishSpec {
  if (!isObject(v)) throw bad('config must be an object');
  const key = configKey(v);
  const tags = v.tags;
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) {
    throw bad('tags must be an array of strings');
  }
  const spec: PublishSpec = {
    ...key,
    content: str(v, 'content'),
    type: str(v, 'type'),
    appName: str(v, 'appName'),
    desc: str(v, 'desc'),
    tags: tags as string[],
    use: str(v, 'use'),
    effect: str(v, 'effect'),
    schema: str(v, 'schema'),
    srcUser: str(v, 'srcUser'),
    srcIp: str(v, 'srcIp'),
    ...(optionalStr(v, 'casMd5') === undefined ? {} : { casMd5: str(v, 'casMd5') }),
  };
  if (spec.content.trim() === '') throw bad('content is blank : ');
  storageCheck(() => validatePublish(spec));
  return spec;
}

function namespaceSpec(v: unknown): NamespaceSpec {
  if (!isObject(v)) throw bad('namespace must be an object');
  const spec = { id: namespaceId(v.id), name: str(v, 'name'), desc: str(v, 'desc') };
  storageCheck(() => {
    checkString('namespaceName', spec.name, AUTH_LIMITS.namespaceName, true);
    checkString('namespaceDesc', spec.desc, AUTH_LIMITS.namespaceDesc, false);
  });
  return spec;
}

/** Nacos' custom namespace id: `[\w-]+`, at most 128 characters; `public` is the public namespace. */
export function isValidNamespaceId(id: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(id) && id.length <= AUTH_LIMITS.namespaceId && id.toLowerCase() !== 'public';
}

function namespaceId(v: unknown): string {
  if (typeof v !== 'string' || !isValidNamespaceId(v)) throw bad('invalid namespace id');
  return v;
}

function ids(v: unknown): number[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_DELETE_IDS) {
    throw bad(`ids must be a list of 1 to ${MAX_DELETE_IDS} ids`);
  }
  for (const id of v) {
    if (!Number.isSafeInteger(id) || (id as number) < 1) throw bad('ids must be positive integers');
  }
  return v as number[];
}

/**
 * Checks and normalises a command: run before proposing and again when applying a log entry,
 * so `apply` never meets input the store would refuse (a refusal inside apply would be fatal).
 */
export function validateConfigCommand(command: unknown): ConfigCommand {
  if (!isObject(command)) throw bad('config command must be an object');
  switch (command.op) {
    case 'publish':
      return { op: 'publish', config: publishSpec(command.config) };
    case 'delete':
      return { op: 'delete', key: configKey(command.key), source: source(command.source) };
    case 'delete-ids':
      return { op: 'delete-ids', ids: ids(command.ids), source: source(command.source) };
    case 'namespace-create':
      return { op: 'namespace-create', namespace: namespaceSpec(command.namespace) };
    case 'namespace-update':
      return { op: 'namespace-update', namespace: namespaceSpec(command.namespace) };
    case 'namespace-delete':
      return { op: 'namespace-delete', id: namespaceId(command.id) };
    case 'notify': {
      const keys = command.keys;
      if (!Array.isArray(keys) || keys.length > MAX_NOTIFY_KEYS) {
        throw bad(`keys must be a list of at most ${MAX_NOTIFY_KEYS} config keys`);
      }
      return { op: 'notify', keys: keys.map(configKey) };
    }
    case 'history-purge': {
      const { before } = command;
      if (!Number.isSafeInteger(before) || (before as number) < 0) throw bad('before must be a time in ms');
      return { op: 'history-purge', before: before as number };
    }
    default:
      throw bad(`unknown config command ${JSON.stringify(String(command.op)).slice(0, 40)}`);
  }
}
