import {
  AUTH_LIMITS,
  type CreateNamespaceInput,
  checkString,
  type NamespaceRecord,
  type NamespaceStore,
  StorageError,
  validateTime,
} from '@reg/storage';
import type { Sql } from './cluster.js';
import type { Row } from './config-rows.js';
import { checkFourByte, type StoreContext, toMillis } from './context.js';
import { isDuplicateKey } from './errors.js';

/** Nacos writes every namespace with `kp = '1'` and `create_source = 'nacos'`. */
const KP = '1';
const CREATE_SOURCE = 'nacos';
const COLUMNS = 'tenant_id, tenant_name, tenant_desc, gmt_create, gmt_modified';

function toNamespace(row: Row): NamespaceRecord {
  return {
    id: String(row.tenant_id ?? ''),
    name: String(row.tenant_name ?? ''),
    desc: String(row.tenant_desc ?? ''),
    createdTime: toMillis(row.gmt_create),
    modifiedTime: toMillis(row.gmt_modified),
  };
}

async function rowOf(sql: Sql, id: string, forUpdate: boolean): Promise<Row | undefined> {
  const rows = await sql.query<Row[]>(
    `SELECT ${COLUMNS} FROM tenant_info WHERE kp = ? AND tenant_id = ?${forUpdate ? ' FOR UPDATE' : ''}`,
    [KP, id],
  );
  return rows.find((r) => r.tenant_id === id);
}

/** {@link NamespaceStore} over Nacos' `tenant_info` (`gmt_*` are BIGINT milliseconds there). */
export class MysqlNamespaceStore implements NamespaceStore {
  constructor(private readonly ctx: StoreContext) {}

  async create(input: CreateNamespaceInput): Promise<NamespaceRecord> {
    if (typeof input !== 'object' || input === null)
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'namespace must be an object');
    checkString('namespace id', input.id, AUTH_LIMITS.namespaceId, true);
    checkString('namespace name', input.name, AUTH_LIMITS.namespaceName, false);
    if (input.desc !== undefined) checkString('namespace desc', input.desc, AUTH_LIMITS.namespaceDesc, false);
    validateTime(input.time);
    checkFourByte(this.ctx, { id: input.id, name: input.name, desc: input.desc });
    const time = input.time ?? Date.now();
    const record: NamespaceRecord = {
      id: input.id,
      name: input.name,
      desc: input.desc ?? '',
      createdTime: time,
      modifiedTime: time,
    };
    return this.ctx.cluster.write('create namespace', async (sql) => {
      if ((await rowOf(sql, input.id, true)) !== undefined) {
        throw new StorageError('STORAGE_CONFLICT', `namespace ${JSON.stringify(input.id)} already exists`);
      }
      try {
        await sql.query(
          'INSERT INTO tenant_info (kp, tenant_id, tenant_name, tenant_desc, create_source, gmt_create, gmt_modified) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [KP, record.id, record.name, record.desc, CREATE_SOURCE, time, time],
        );
      } catch (err) {
        if (isDuplicateKey(err)) {
          throw new StorageError('STORAGE_CONFLICT', `namespace ${JSON.stringify(input.id)} already exists`, {
            cause: err,
          });
        }
        throw err;
      }
      return record;
    });
  }

  async get(id: string): Promise<NamespaceRecord | undefined> {
    checkString('namespace id', id, AUTH_LIMITS.namespaceId, false);
    return this.ctx.cluster.read('read namespace', async (sql) => {
      const row = await rowOf(sql, id, false);
      return row === undefined ? undefined : toNamespace(row);
    });
  }

  async update(id: string, change: { name: string; desc?: string; time?: number }): Promise<NamespaceRecord> {
    checkString('namespace id', id, AUTH_LIMITS.namespaceId, true);
    if (typeof change !== 'object' || change === null)
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'change must be an object');
    checkString('namespace name', change.name, AUTH_LIMITS.namespaceName, false);
    if (change.desc !== undefined)
      checkString('namespace desc', change.desc, AUTH_LIMITS.namespaceDesc, false);
    validateTime(change.time);
    checkFourByte(this.ctx, { name: change.name, desc: change.desc });
    return this.ctx.cluster.write('update namespace', async (sql) => {
      const row = await rowOf(sql, id, true);
      if (row === undefined)
        throw new StorageError('STORAGE_NOT_FOUND', `namespace ${JSON.stringify(id)} does not exist`);
      const before = toNamespace(row);
      const desc = change.desc ?? before.desc;
      const modified = Math.max(change.time ?? Date.now(), before.createdTime);
      await sql.query(
        'UPDATE tenant_info SET tenant_name = ?, tenant_desc = ?, gmt_modified = ? WHERE kp = ? AND tenant_id = ?',
        [change.name, desc, modified, KP, id],
      );
      return { ...before, name: change.name, desc, modifiedTime: modified };
    });
  }

  async delete(id: string): Promise<boolean> {
    checkString('namespace id', id, AUTH_LIMITS.namespaceId, false);
    return this.ctx.cluster.write('delete namespace', async (sql) => {
      const row = await rowOf(sql, id, true);
      if (row === undefined) return false;
      await sql.query('DELETE FROM tenant_info WHERE kp = ? AND tenant_id = BINARY ?', [KP, id]);
      return true;
    });
  }

  async list(): Promise<readonly NamespaceRecord[]> {
    return this.ctx.cluster.read('list namespaces', async (sql) => {
      const rows = await sql.query<Row[]>(
        `SELECT ${COLUMNS} FROM tenant_info WHERE kp = ? ORDER BY gmt_create, BINARY tenant_id`,
        [KP],
      );
      return rows.map(toNamespace);
    });
  }
}
