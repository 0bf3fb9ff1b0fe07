import type { ConfigKey } from '@reg/storage';
import { RegistryError } from '../errors.js';
import { checkDataIdAndGroup, keyString, normalizeTenant } from './config-names.js';

/** Separates the fields of one record (Nacos `WORD_SEPARATOR`). */
export const WORD_SEPARATOR = '\u0002';
/** Ends each record (Nacos `LINE_SEPARATOR`). */
export const LINE_SEPARATOR = '\u0001';

/** Nacos refuses a poll over this many keys ("too much listener"). */
export const MAX_LISTENED_KEYS = 10_000;

/** One key a long-polling client listens on. */
export interface ListenedConfig extends ConfigKey {
  /** `keyString` of the normalised key: what changes are matched on. */
  readonly id: string;
  /** The md5 the client holds; `''` when it has no content. */
  readonly md5: string;
  /** The tenant exactly as the client sent it (`''` when absent), echoed in the answer. */
  readonly sentTenant: string;
}

function malformed(): RegistryError {
  return new RegistryError('REG_CONFIG_INVALID', 'invalid probeModify');
}

/**
 * Java's `URLDecoder.decode`: `+` is a space, `%XX` a UTF-8 byte. Nacos decodes the
 * (already form-decoded) value once more, so a literal `%` or `+` must survive it the same way.
 */
function javaUrlDecode(value: string): string {
  if (!value.includes('%') && !value.includes('+')) return value;
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    throw malformed();
  }
}

/**
 * Parses the `Listening-Configs` parameter: records `dataId ^B group ^B md5 [^B tenant] ^A`.
 * Stricter than Nacos, which silently drops a trailing unterminated record and crashes on short
 * ones: anything that is not a sequence of well-formed records is `invalid probeModify`, so a
 * client bug shows instead of a poll that never answers. A key listed twice keeps its last md5.
 */
export function parseListeningConfigs(raw: string | undefined): ListenedConfig[] {
  if (raw === undefined || raw.trim() === '') throw malformed();
  const text = javaUrlDecode(raw);
  if (!text.endsWith(LINE_SEPARATOR)) throw malformed();
  const byId = new Map<string, ListenedConfig>();
  for (const record of text.slice(0, -1).split(LINE_SEPARATOR)) {
    const fields = record.split(WORD_SEPARATOR);
    if (fields.length !== 3 && fields.length !== 4) throw malformed();
    const [dataId = '', group = '', md5 = '', sentTenant = ''] = fields;
    if (!/^[0-9a-f]{32}$|^$/i.test(md5)) throw malformed();
    let tenant: string;
    try {
      checkDataIdAndGroup(dataId, group);
      tenant = normalizeTenant(sentTenant);
    } catch {
      throw malformed();
    }
    const key = { dataId, group, tenant };
    const id = keyString(key);
    byId.delete(id);
    byId.set(id, { ...key, id, md5: md5.toLowerCase(), sentTenant });
    if (byId.size > MAX_LISTENED_KEYS) throw malformed();
  }
  return [...byId.values()];
}

/**
 * The long-poll answer: for each changed key `dataId ^B group [^B tenant] ^A`, URL-encoded as
 * Java's `URLEncoder` does (the Node SDK `decodeURIComponent`s it), then a newline.
 */
export function encodeChangedConfigs(changed: readonly ListenedConfig[]): string {
  if (changed.length === 0) return '';
  let text = '';
  for (const c of changed) {
    text += c.dataId + WORD_SEPARATOR + c.group;
    if (c.sentTenant !== '') text += WORD_SEPARATOR + c.sentTenant;
    text += LINE_SEPARATOR;
  }
  return `${javaUrlEncode(text)}\n`;
}

/** Java's `URLEncoder.encode(s, "UTF-8")`: unreserved `A-Za-z0-9 . - * _`, space as `+`. */
export function javaUrlEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+');
}

/** The old short-polling header value (`Probe-Modify-Response`): `dataId:group;` per key, no tenant. */
export function encodeChangedConfigsOld(changed: readonly ListenedConfig[]): string {
  return changed.map((c) => `${c.dataId}:${c.group};`).join('');
}
