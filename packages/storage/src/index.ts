export type {
  PermissionRecord,
  PermissionStore,
  RoleRecord,
  RoleStore,
  UserRecord,
  UserStore,
} from './auth-store.js';
export type {
  ChangeMeta,
  ConfigKey,
  ConfigQuery,
  ConfigRecord,
  ConfigStore,
  DeleteResult,
  PublishConfigInput,
  PublishResult,
} from './config-store.js';
export type { StorageErrorCode, StorageErrorOptions } from './errors.js';
export { hasStorageCode, isStorageError, STORAGE_ERROR_CODES, StorageError } from './errors.js';
export type { ConfigHistoryStore, HistoryRecord } from './history-store.js';
export type { KvChunk, KvEntry, KvExportOptions, KvOp, KvRange, KvStore } from './kv-store.js';
export type { Logger } from './logger.js';
export { noopLogger } from './logger.js';
export { MemoryEngine } from './memory/memory-engine.js';
export type { MemoryStorageOptions } from './memory/memory-storage.js';
export { MemoryStorage } from './memory/memory-storage.js';
export type { CreateNamespaceInput, NamespaceRecord, NamespaceStore } from './namespace-store.js';
export type { NamingEntry, NamingOp, NamingStore } from './naming-store.js';
export { NamingKind } from './naming-store.js';
export type { EngineOp, EngineRange, OrderedEngine } from './ordered/engine.js';
export type { OrderedStorageOptions } from './ordered/ordered-storage.js';
export { LAYOUT_VERSION, OrderedStorage } from './ordered/ordered-storage.js';
export type { Page, PageRequest } from './page.js';
export { MAX_PAGE_SIZE } from './page.js';
export type { FaultInjector, FaultPoint, Storage, StorageSnapshot, StorageSupports } from './storage.js';
export { compareCodePoints, makePage, md5Hex, pageOf, wildcardToLike, wildcardToRegExp } from './text.js';
export {
  AUTH_LIMITS,
  BCRYPT_HASH,
  CONFIG_LIMITS,
  checkString,
  codePointLength,
  KV_LIMITS,
  validateConfigKey,
  validateLimit,
  validateNamingKind,
  validatePage,
  validatePasswordHash,
  validatePublish,
  validateQuery,
  validateTime,
} from './validate.js';
