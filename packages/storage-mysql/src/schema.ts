/**
 * Nacos 1.4's MySQL schema (the tables of `nacos-mysql.sql`), in our own DDL, plus the `reg_*`
 * tables for data Nacos has no place for. Column names, types and unique keys follow Nacos so
 * an existing Nacos database can be used as is and Nacos can read what we write.
 *
 * Differences when *we* create the tables (an existing Nacos database is used unchanged):
 * - `utf8mb4` / `utf8mb4_bin` instead of `utf8` / `utf8_bin`, so 4-byte characters (emoji) fit.
 *   `config_info_aggr` keeps `utf8`: its four-column unique key would exceed InnoDB's 3072-byte
 *   limit in `utf8mb4`, and reg never writes that table.
 * - `DATETIME(3)` instead of `DATETIME`, so times keep milliseconds. Nacos reads both.
 */

/** One required column: name and the type family Nacos' code relies on. */
export interface ColumnSpec {
  readonly name: string;
  /** information_schema DATA_TYPE values accepted for it. */
  readonly types: readonly string[];
}

/** A table reg needs, with the columns it reads or writes. */
export interface TableSpec {
  readonly name: string;
  /** `nacos` tables come from nacos-mysql.sql; `reg` tables are ours. */
  readonly origin: 'nacos' | 'reg';
  readonly columns: readonly ColumnSpec[];
  readonly ddl: string;
}

const INT = ['bigint', 'int', 'mediumint', 'smallint', 'tinyint'];
const STR = ['varchar', 'char', 'text', 'mediumtext', 'longtext', 'tinytext'];
const TIME = ['datetime', 'timestamp'];
const BOOL = ['tinyint', 'bit', 'smallint', 'int'];
const BLOB = ['longblob', 'mediumblob', 'blob', 'varbinary'];

/** The longest `reg_kv` key in UTF-8 bytes (InnoDB's index key limit). */
export const KV_KEY_MAX_BYTES = 3072;

const c = (name: string, types: readonly string[]): ColumnSpec => ({ name, types });

/**
 * Every table, in creation order. `collation` is the binary `utf8mb4` collation for the tables we
 * create: a NO PAD one where the server has it (`utf8mb4_nopad_bin` on MariaDB,
 * `utf8mb4_0900_bin` on MySQL 8), so `'a'` and `'a '` are different keys, byte for byte.
 */
export function tableSpecs(collation: string): readonly TableSpec[] {
  if (!/^utf8mb4_[a-z0-9_]+$/.test(collation)) throw new Error(`not a utf8mb4 collation: ${collation}`);
  const MB4 = `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`;
  return [
    {
      name: 'config_info',
      origin: 'nacos',
      columns: [
        c('id', INT),
        c('data_id', STR),
        c('group_id', STR),
        c('content', STR),
        c('md5', STR),
        c('gmt_create', TIME),
        c('gmt_modified', TIME),
        c('src_user', STR),
        c('src_ip', STR),
        c('app_name', STR),
        c('tenant_id', STR),
        c('c_desc', STR),
        c('c_use', STR),
        c('effect', STR),
        c('type', STR),
        c('c_schema', STR),
      ],
      ddl: `CREATE TABLE IF NOT EXISTS config_info (
  id BIGINT NOT NULL AUTO_INCREMENT,
  data_id VARCHAR(255) NOT NULL,
  group_id VARCHAR(255) DEFAULT NULL,
  content LONGTEXT NOT NULL,
  md5 VARCHAR(32) DEFAULT NULL,
  gmt_create DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  gmt_modified DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  src_user TEXT,
  src_ip VARCHAR(50) DEFAULT NULL,
  app_name VARCHAR(128) DEFAULT NULL,
  tenant_id VARCHAR(128) DEFAULT '',
  c_desc VARCHAR(256) DEFAULT NULL,
  c_use VARCHAR(64) DEFAULT NULL,
  effect VARCHAR(64) DEFAULT NULL,
  type VARCHAR(64) DEFAULT NULL,
  c_schema TEXT,
  PRIMARY KEY (id),
  UNIQUE KEY uk_configinfo_datagrouptenant (data_id, group_id, tenant_id)
) ${MB4}`,
    },
    {
      name: 'config_info_aggr',
      origin: 'nacos',
      columns: [
        c('id', INT),
        c('data_id', STR),
        c('group_id', STR),
        c('datum_id', STR),
        c('content', STR),
        c('gmt_modified', TIME),
        c('app_name', STR),
        c('tenant_id', STR),
      ],
      ddl: `CREATE TABLE IF NOT EXISTS config_info_aggr (
  id BIGINT NOT NULL AUTO_INCREMENT,
  data_id VARCHAR(255) NOT NULL,
  group_id VARCHAR(255) NOT NULL,
  datum_id VARCHAR(255) NOT NULL,
  content LONGTEXT NOT NULL,
  gmt_modified DATETIME(3) NOT NULL,
  app_name VARCHAR(128) DEFAULT NULL,
  tenant_id VARCHAR(128) DEFAULT '',
  PRIMARY KEY (id),
  UNIQUE KEY uk_configinfoaggr_datagrouptenantdatum (data_id, group_id, tenant_id, datum_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8 COLLATE=utf8_bin`,
    },
    {
      name: 'config_info_beta',
      origin: 'nacos',
      columns: [
        c('id', INT),
        c('data_id', STR),
        c('group_id', STR),
        c('app_name', STR),
        c('content', STR),
        c('beta_ips', STR),
        c('md5', STR),
        c('gmt_create', TIME),
        c('gmt_modified', TIME),
        c('src_user', STR),
        c('src_ip', STR),
        c('tenant_id', STR),
      ],
      ddl: `CREATE TABLE IF NOT EXISTS config_info_beta (
  id BIGINT NOT NULL AUTO_INCREMENT,
  data_id VARCHAR(255) NOT NULL,
  group_id VARCHAR(128) NOT NULL,
  app_name VARCHAR(128) DEFAULT NULL,
  content LONGTEXT NOT NULL,
  beta_ips VARCHAR(1024) DEFAULT NULL,
  md5 VARCHAR(32) DEFAULT NULL,
  gmt_create DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  gmt_modified DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  src_user TEXT,
  src_ip VARCHAR(50) DEFAULT NULL,
  tenant_id VARCHAR(128) DEFAULT '',
  PRIMARY KEY (id),
  UNIQUE KEY uk_configinfobeta_datagrouptenant (data_id, group_id, tenant_id)
) ${MB4}`,
    },
    {
      name: 'config_info_tag',
      origin: 'nacos',
      columns: [
        c('id', INT),
        c('data_id', STR),
        c('group_id', STR),
        c('tenant_id', STR),
        c('tag_id', STR),
        c('app_name', STR),
        c('content', STR),
        c('md5', STR),
        c('gmt_create', TIME),
        c('gmt_modified', TIME),
        c('src_user', STR),
        c('src_ip', STR),
      ],
      ddl: `CREATE TABLE IF NOT EXISTS config_info_tag (
  id BIGINT NOT NULL AUTO_INCREMENT,
  data_id VARCHAR(255) NOT NULL,
  group_id VARCHAR(128) NOT NULL,
  tenant_id VARCHAR(128) DEFAULT '',
  tag_id VARCHAR(128) NOT NULL,
  app_name VARCHAR(128) DEFAULT NULL,
  content LONGTEXT NOT NULL,
  md5 VARCHAR(32) DEFAULT NULL,
  gmt_create DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  gmt_modified DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  src_user TEXT,
  src_ip VARCHAR(50) DEFAULT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_configinfotag_datagrouptenanttag (data_id, group_id, tenant_id, tag_id)
) ${MB4}`,
    },
    {
      name: 'config_tags_relation',
      origin: 'nacos',
      columns: [
        c('id', INT),
        c('tag_name', STR),
        c('tag_type', STR),
        c('data_id', STR),
        c('group_id', STR),
        c('tenant_id', STR),
        c('nid', INT),
      ],
      ddl: `CREATE TABLE IF NOT EXISTS config_tags_relation (
  id BIGINT NOT NULL,
  tag_name VARCHAR(128) NOT NULL,
  tag_type VARCHAR(64) DEFAULT NULL,
  data_id VARCHAR(255) NOT NULL,
  group_id VARCHAR(128) NOT NULL,
  tenant_id VARCHAR(128) DEFAULT '',
  nid BIGINT NOT NULL AUTO_INCREMENT,
  PRIMARY KEY (nid),
  UNIQUE KEY uk_configtagrelation_configidtag (id, tag_name, tag_type),
  KEY idx_tenant_id (tenant_id)
) ${MB4}`,
    },
    capacityTable('group_capacity', 'group_id', MB4),
    {
      name: 'his_config_info',
      origin: 'nacos',
      columns: [
        c('id', INT),
        c('nid', INT),
        c('data_id', STR),
        c('group_id', STR),
        c('app_name', STR),
        c('content', STR),
        c('md5', STR),
        c('gmt_create', TIME),
        c('gmt_modified', TIME),
        c('src_user', STR),
        c('src_ip', STR),
        c('op_type', STR),
        c('tenant_id', STR),
      ],
      ddl: `CREATE TABLE IF NOT EXISTS his_config_info (
  id BIGINT UNSIGNED NOT NULL,
  nid BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  data_id VARCHAR(255) NOT NULL,
  group_id VARCHAR(128) NOT NULL,
  app_name VARCHAR(128) DEFAULT NULL,
  content LONGTEXT NOT NULL,
  md5 VARCHAR(32) DEFAULT NULL,
  gmt_create DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  gmt_modified DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  src_user TEXT,
  src_ip VARCHAR(50) DEFAULT NULL,
  op_type CHAR(10) DEFAULT NULL,
  tenant_id VARCHAR(128) DEFAULT '',
  PRIMARY KEY (nid),
  KEY idx_gmt_create (gmt_create),
  KEY idx_gmt_modified (gmt_modified),
  KEY idx_did (data_id)
) ${MB4}`,
    },
    capacityTable('tenant_capacity', 'tenant_id', MB4),
    {
      name: 'tenant_info',
      origin: 'nacos',
      columns: [
        c('id', INT),
        c('kp', STR),
        c('tenant_id', STR),
        c('tenant_name', STR),
        c('tenant_desc', STR),
        c('create_source', STR),
        c('gmt_create', INT),
        c('gmt_modified', INT),
      ],
      ddl: `CREATE TABLE IF NOT EXISTS tenant_info (
  id BIGINT NOT NULL AUTO_INCREMENT,
  kp VARCHAR(128) NOT NULL,
  tenant_id VARCHAR(128) DEFAULT '',
  tenant_name VARCHAR(128) DEFAULT '',
  tenant_desc VARCHAR(256) DEFAULT NULL,
  create_source VARCHAR(32) DEFAULT NULL,
  gmt_create BIGINT NOT NULL,
  gmt_modified BIGINT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_tenant_info_kptenantid (kp, tenant_id),
  KEY idx_tenant_id (tenant_id)
) ${MB4}`,
    },
    {
      name: 'users',
      origin: 'nacos',
      columns: [c('username', STR), c('password', STR), c('enabled', BOOL)],
      ddl: `CREATE TABLE IF NOT EXISTS users (
  username VARCHAR(50) NOT NULL PRIMARY KEY,
  password VARCHAR(500) NOT NULL,
  enabled BOOLEAN NOT NULL
) ${MB4}`,
    },
    {
      name: 'roles',
      origin: 'nacos',
      columns: [c('username', STR), c('role', STR)],
      ddl: `CREATE TABLE IF NOT EXISTS roles (
  username VARCHAR(50) NOT NULL,
  role VARCHAR(50) NOT NULL,
  UNIQUE INDEX idx_user_role (username ASC, role ASC) USING BTREE
) ${MB4}`,
    },
    {
      name: 'permissions',
      origin: 'nacos',
      columns: [c('role', STR), c('resource', STR), c('action', STR)],
      ddl: `CREATE TABLE IF NOT EXISTS permissions (
  role VARCHAR(50) NOT NULL,
  resource VARCHAR(255) NOT NULL,
  action VARCHAR(8) NOT NULL,
  UNIQUE INDEX uk_role_permission (role, resource, action) USING BTREE
) ${MB4}`,
    },
    {
      // Persistent naming data (services, persistent instances, switches): Nacos' schema has no
      // table for it. Keys are VARBINARY so equality and order are byte order (= code point order).
      name: 'reg_naming',
      origin: 'reg',
      columns: [c('kind', STR), c('k', BLOB), c('v', STR), c('gmt_modified', INT)],
      ddl: `CREATE TABLE IF NOT EXISTS reg_naming (
  kind VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  k VARBINARY(2048) NOT NULL,
  v LONGTEXT NOT NULL,
  gmt_modified BIGINT NOT NULL,
  PRIMARY KEY (kind, k)
) ${MB4}`,
    },
    {
      // The Raft state-machine snapshot space. 3072 bytes is InnoDB's longest index key, hence
      // the key limit in bytes (README: Limits).
      name: 'reg_kv',
      origin: 'reg',
      columns: [c('k', BLOB), c('v', BLOB)],
      ddl: `CREATE TABLE IF NOT EXISTS reg_kv (
  k VARBINARY(3072) NOT NULL,
  v LONGBLOB NOT NULL,
  PRIMARY KEY (k)
) ${MB4}`,
    },
  ];
}

function capacityTable(name: string, keyColumn: string, tableOptions: string): TableSpec {
  return {
    name,
    origin: 'nacos',
    columns: [
      c('id', INT),
      c(keyColumn, STR),
      c('quota', INT),
      c('usage', INT),
      c('max_size', INT),
      c('max_aggr_count', INT),
      c('max_aggr_size', INT),
      c('max_history_count', INT),
      c('gmt_create', TIME),
      c('gmt_modified', TIME),
    ],
    ddl: `CREATE TABLE IF NOT EXISTS ${name} (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  ${keyColumn} VARCHAR(128) NOT NULL DEFAULT '',
  quota INT UNSIGNED NOT NULL DEFAULT 0,
  \`usage\` INT UNSIGNED NOT NULL DEFAULT 0,
  max_size INT UNSIGNED NOT NULL DEFAULT 0,
  max_aggr_count INT UNSIGNED NOT NULL DEFAULT 0,
  max_aggr_size INT UNSIGNED NOT NULL DEFAULT 0,
  max_history_count INT UNSIGNED NOT NULL DEFAULT 0,
  gmt_create DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  gmt_modified DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uk_${keyColumn} (${keyColumn})
) ${tableOptions}`,
  };
}

/** The data_id Nacos' master probe deletes (a row that never exists). */
export const MASTER_PROBE_DATA_ID = 'com.alibaba.nacos.testMasterDB';
