import { StorageError } from '../errors.js';
import type { CreateNamespaceInput, NamespaceRecord, NamespaceStore } from '../namespace-store.js';
import { compareCodePoints } from '../text.js';
import { AUTH_LIMITS, checkString, validateTime } from '../validate.js';
import { decodeJson, encodeJson } from './codec.js';
import type { Context } from './context.js';
import { K, prefixRange } from './keys.js';

const FIELDS = ['id', 'name', 'desc', 'createdTime', 'modifiedTime'] as const;

/** {@link NamespaceStore} over an ordered engine. */
export class OrderedNamespaceStore implements NamespaceStore {
  constructor(private readonly ctx: Context) {}

  private async read(id: string): Promise<NamespaceRecord | undefined> {
    const key = K.namespace(id);
    const bytes = await this.ctx.get(key);
    return bytes === undefined ? undefined : decodeJson<NamespaceRecord>(bytes, key, FIELDS);
  }

  create(input: CreateNamespaceInput): Promise<NamespaceRecord> {
    checkString('namespace id', input.id, AUTH_LIMITS.namespaceId, true);
    checkString('namespace name', input.name, AUTH_LIMITS.namespaceName, false);
    if (input.desc !== undefined) checkString('namespace desc', input.desc, AUTH_LIMITS.namespaceDesc, false);
    validateTime(input.time);
    return this.ctx.exclusive(async () => {
      if ((await this.read(input.id)) !== undefined) {
        throw new StorageError('STORAGE_CONFLICT', `namespace ${JSON.stringify(input.id)} already exists`);
      }
      const time = this.ctx.timeOf(input.time);
      const record: NamespaceRecord = {
        id: input.id,
        name: input.name,
        desc: input.desc ?? '',
        createdTime: time,
        modifiedTime: time,
      };
      await this.ctx.write([{ type: 'put', key: K.namespace(input.id), value: encodeJson(record) }]);
      return record;
    });
  }

  async get(id: string): Promise<NamespaceRecord | undefined> {
    checkString('namespace id', id, AUTH_LIMITS.namespaceId, false);
    this.ctx.checkOpen();
    return id === '' ? undefined : this.read(id);
  }

  update(id: string, change: { name: string; desc?: string; time?: number }): Promise<NamespaceRecord> {
    checkString('namespace id', id, AUTH_LIMITS.namespaceId, true);
    checkString('namespace name', change.name, AUTH_LIMITS.namespaceName, false);
    if (change.desc !== undefined)
      checkString('namespace desc', change.desc, AUTH_LIMITS.namespaceDesc, false);
    validateTime(change.time);
    return this.ctx.exclusive(async () => {
      const old = await this.read(id);
      if (old === undefined)
        throw new StorageError('STORAGE_NOT_FOUND', `namespace ${JSON.stringify(id)} does not exist`);
      const record: NamespaceRecord = {
        ...old,
        name: change.name,
        desc: change.desc ?? old.desc,
        modifiedTime: Math.max(this.ctx.timeOf(change.time), old.createdTime),
      };
      await this.ctx.write([{ type: 'put', key: K.namespace(id), value: encodeJson(record) }]);
      return record;
    });
  }

  delete(id: string): Promise<boolean> {
    checkString('namespace id', id, AUTH_LIMITS.namespaceId, true);
    return this.ctx.exclusive(async () => {
      if ((await this.read(id)) === undefined) return false;
      await this.ctx.write([{ type: 'del', key: K.namespace(id) }]);
      return true;
    });
  }

  async list(): Promise<readonly NamespaceRecord[]> {
    this.ctx.checkOpen();
    const rows = await this.ctx.collect(prefixRange('n!'));
    return rows
      .map(([k, v]) => decodeJson<NamespaceRecord>(v, k, FIELDS))
      .sort((a, b) => a.createdTime - b.createdTime || compareCodePoints(a.id, b.id));
  }
}
