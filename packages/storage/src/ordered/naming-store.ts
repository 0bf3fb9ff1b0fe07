import { StorageError } from '../errors.js';
import type { NamingEntry, NamingOp, NamingStore } from '../naming-store.js';
import type { Page, PageRequest } from '../page.js';
import { makePage } from '../text.js';
import { checkString, KV_LIMITS, validateNamingKind, validatePage } from '../validate.js';
import { decodeText, encodeText } from './codec.js';
import type { Context } from './context.js';
import type { EngineOp } from './engine.js';
import { K, prefixRange } from './keys.js';

function checkKey(kind: string, key: string): void {
  validateNamingKind(kind);
  checkString('naming key', key, KV_LIMITS.namingKey, true);
}

function checkOp(op: NamingOp): EngineOp {
  if (typeof op !== 'object' || op === null)
    throw new StorageError('STORAGE_INVALID_ARGUMENT', 'op must be an object');
  checkKey(op.kind, op.key);
  if (op.type === 'del') return { type: 'del', key: K.naming(op.kind, op.key) };
  if (op.type !== 'put') throw new StorageError('STORAGE_INVALID_ARGUMENT', 'op type must be put or del');
  checkString('naming value', op.value, KV_LIMITS.namingValueChars, false);
  return { type: 'put', key: K.naming(op.kind, op.key), value: encodeText(op.value) };
}

/** {@link NamingStore} over an ordered engine. */
export class OrderedNamingStore implements NamingStore {
  constructor(private readonly ctx: Context) {}

  put(kind: string, key: string, value: string): Promise<void> {
    return this.batch([{ type: 'put', kind, key, value }]);
  }

  async get(kind: string, key: string): Promise<string | undefined> {
    checkKey(kind, key);
    this.ctx.checkOpen();
    const k = K.naming(kind, key);
    const bytes = await this.ctx.get(k);
    return bytes === undefined ? undefined : decodeText(bytes, k);
  }

  delete(kind: string, key: string): Promise<boolean> {
    checkKey(kind, key);
    return this.ctx.exclusive(async () => {
      const k = K.naming(kind, key);
      if ((await this.ctx.get(k)) === undefined) return false;
      await this.ctx.write([{ type: 'del', key: k }]);
      return true;
    });
  }

  batch(ops: readonly NamingOp[]): Promise<void> {
    if (!Array.isArray(ops) || ops.length > 100_000) {
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'ops must be an array of at most 100000');
    }
    const engineOps = ops.map(checkOp);
    return this.ctx.exclusive(() => this.ctx.write(engineOps));
  }

  async list(kind: string, page: PageRequest, prefix = ''): Promise<Page<NamingEntry>> {
    validateNamingKind(kind);
    checkString('prefix', prefix, KV_LIMITS.namingKey, false);
    validatePage(page);
    this.ctx.checkOpen();
    const range = prefixRange(K.naming(kind, prefix));
    const start = (page.pageNo - 1) * page.pageSize;
    const items: NamingEntry[] = [];
    let total = 0;
    const strip = K.naming(kind, '').length;
    for await (const [k, v] of this.ctx.iterate(range)) {
      if (total >= start && items.length < page.pageSize)
        items.push({ kind, key: k.slice(strip), value: decodeText(v, k) });
      total++;
    }
    return makePage(total, page, items);
  }
}
