import type { Logger } from '@reg/storage';
import bcrypt from 'bcryptjs';
import type { Sql } from './cluster.js';
import { StorageError } from './errors.js';
import { tableSpecs } from './schema.js';

/** What {@link ensureSchema} found or made. */
export interface SchemaInfo {
  /** Tables this call created (empty when the database was complete). */
  readonly created: readonly string[];
  /** Whether `users` was created now and seeded with `nacos` / `ROLE_ADMIN`. */
  readonly seededAdmin: boolean;
  /** Every text column Nacos' config tables use is `utf8mb4`, so 4-byte characters fit. */
  readonly fourByteUtf8: boolean;
  /** Longest `src_ip` per table (Nacos 1.4 ships `VARCHAR(20)`, too short for IPv6); longer values are cut to fit. */
  readonly srcIpMax: Readonly<Record<string, number>>;
}

/** Options of {@link ensureSchema}. */
export interface EnsureSchemaOptions {
  /** Create missing tables (default true). When false a missing table is an error. */
  readonly create: boolean;
  /** Why creation is off, for the error message (default: "schema creation is disabled"). */
  readonly noCreateReason?: string;
  /**
   * Seed user `nacos` (password `nacos`, bcrypt) with `ROLE_ADMIN` when `users` is created now,
   * as nacos-mysql.sql does. An existing `users` table is never touched.
   */
  readonly seedAdmin: boolean;
  readonly logger: Logger;
}

interface ColumnRow {
  TABLE_NAME: string;
  COLUMN_NAME: string;
  DATA_TYPE: string;
  CHARACTER_MAXIMUM_LENGTH: number | null;
  CHARACTER_SET_NAME: string | null;
}

/** NO PAD binary collations first: they compare strings byte for byte, trailing spaces included. */
const COLLATION_PREFERENCE = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin', 'utf8mb4_bin'];

async function pickCollation(sql: Sql): Promise<string> {
  const rows = await sql.query<Array<{ name: string }>>(
    'SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN (?, ?, ?)',
    COLLATION_PREFERENCE,
  );
  const names = new Set(rows.map((r) => r.name));
  return COLLATION_PREFERENCE.find((n) => names.has(n)) ?? 'utf8mb4_bin';
}

async function readColumns(sql: Sql): Promise<Map<string, Map<string, ColumnRow>>> {
  const rows = await sql.query<ColumnRow[]>(
    `SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, CHARACTER_SET_NAME
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()`,
  );
  const tables = new Map<string, Map<string, ColumnRow>>();
  for (const r of rows) {
    // information_schema column names come back upper- or lower-case depending on the server.
    const row = r as unknown as Record<string, unknown>;
    const t = String(row.TABLE_NAME ?? row.table_name);
    const normalized: ColumnRow = {
      TABLE_NAME: t,
      COLUMN_NAME: String(row.COLUMN_NAME ?? row.column_name),
      DATA_TYPE: String(row.DATA_TYPE ?? row.data_type).toLowerCase(),
      CHARACTER_MAXIMUM_LENGTH: (row.CHARACTER_MAXIMUM_LENGTH ?? row.character_maximum_length ?? null) as
        | number
        | null,
      CHARACTER_SET_NAME: (row.CHARACTER_SET_NAME ?? row.character_set_name ?? null) as string | null,
    };
    let cols = tables.get(t.toLowerCase());
    if (cols === undefined) {
      cols = new Map();
      tables.set(t.toLowerCase(), cols);
    }
    cols.set(normalized.COLUMN_NAME.toLowerCase(), normalized);
  }
  return tables;
}

/** A hash of `nacos` in Nacos' own format (`$2a$10$`), made with a fresh salt. */
export function hashNacosPassword(password: string): string {
  const salt = bcrypt.genSaltSync(10).replace(/^\$2b\$/, '$2a$');
  return bcrypt.hashSync(password, salt);
}

/**
 * Creates the missing tables (Nacos' and `reg_*`) and validates the present ones: every table
 * and column reg uses must exist with a compatible type. Problems are reported all at once in
 * one `STORAGE_CORRUPTED` error naming each `table` or `table.column`. Runs on the master, where
 * `CREATE TABLE IF NOT EXISTS` makes concurrent starts of several members safe.
 */
export async function ensureSchema(sql: Sql, options: EnsureSchemaOptions): Promise<SchemaInfo> {
  const collation = await pickCollation(sql);
  const specs = tableSpecs(collation);
  let existing = await readColumns(sql);
  const missing = specs.filter((t) => !existing.has(t.name));
  const created: string[] = [];
  if (missing.length > 0) {
    if (!options.create) {
      throw new StorageError(
        'STORAGE_CORRUPTED',
        `MySQL schema incomplete: missing tables ${missing.map((t) => t.name).join(', ')} (${options.noCreateReason ?? 'schema creation is disabled'})`,
        { location: missing.map((t) => t.name).join(',') },
      );
    }
    for (const t of missing) {
      await sql.query(t.ddl);
      created.push(t.name);
    }
    options.logger.info({ tables: created, collation }, 'created MySQL tables');
    existing = await readColumns(sql);
  }

  const problems: string[] = [];
  for (const t of specs) {
    const cols = existing.get(t.name);
    if (cols === undefined) {
      problems.push(`table ${t.name} is missing`);
      continue;
    }
    for (const col of t.columns) {
      const found = cols.get(col.name);
      if (found === undefined) problems.push(`column ${t.name}.${col.name} is missing`);
      else if (!col.types.includes(found.DATA_TYPE)) {
        problems.push(`column ${t.name}.${col.name} is ${found.DATA_TYPE}, expected ${col.types.join('|')}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new StorageError(
      'STORAGE_CORRUPTED',
      `MySQL schema does not match Nacos 1.4's: ${problems.join('; ')}`,
      {
        location: problems.join('; '),
      },
    );
  }

  let seededAdmin = false;
  if (created.includes('users') && options.seedAdmin) {
    // INSERT IGNORE: another member creating the schema at the same moment may have seeded it.
    await sql.query('INSERT IGNORE INTO users (username, password, enabled) VALUES (?, ?, ?)', [
      'nacos',
      hashNacosPassword('nacos'),
      true,
    ]);
    await sql.query('INSERT IGNORE INTO roles (username, role) VALUES (?, ?)', ['nacos', 'ROLE_ADMIN']);
    seededAdmin = true;
    options.logger.warn({ username: 'nacos' }, 'seeded default admin nacos/nacos: change its password');
  }

  const textColumns: Array<[string, string]> = [
    ['config_info', 'data_id'],
    ['config_info', 'group_id'],
    ['config_info', 'content'],
    ['config_info', 'app_name'],
    ['config_info', 'c_desc'],
    ['his_config_info', 'content'],
    ['his_config_info', 'data_id'],
    ['config_tags_relation', 'tag_name'],
    ['tenant_info', 'tenant_name'],
  ];
  const fourByteUtf8 = textColumns.every(
    ([t, c]) => existing.get(t)?.get(c)?.CHARACTER_SET_NAME === 'utf8mb4',
  );
  const srcIpMax: Record<string, number> = {};
  for (const t of ['config_info', 'his_config_info']) {
    srcIpMax[t] = existing.get(t)?.get('src_ip')?.CHARACTER_MAXIMUM_LENGTH ?? 50;
  }
  return { created, seededAdmin, fourByteUtf8, srcIpMax };
}
