import { CONFIG_LIMITS, type ConfigKey } from '@reg/storage';
import { RegistryError } from '../errors.js';

/** Nacos' default group when a client leaves it out. */
export const DEFAULT_GROUP = 'DEFAULT_GROUP';

/** Nacos' `tag` (gray-release label) limit: 16 characters. */
const TAG_MAX = 16;

const NAME = /^[\p{L}\p{Nd}_\-.:]+$/u;

/**
 * Nacos' `ParamUtils.isValid`: every UTF-16 unit is a letter or digit (Java
 * `Character.isLetterOrDigit`, so CJK names pass and astral characters do not) or one of `_ - . :`.
 */
export function isValidConfigName(value: string): boolean {
  // Surrogates first: with the `u` flag an astral letter would pass `\p{L}`, Java's check does not.
  if (/[\uD800-\uDFFF]/.test(value) || !NAME.test(value)) return false;
  // A name made of dots only would be a path segment (`.`/`..`) wherever configs are kept as
  // files (the Node SDK's snapshot cache is `<tenant>/<group>/<dataId>`): refuse it.
  return !/^\.+$/.test(value);
}

function invalid(message: string): RegistryError {
  return new RegistryError('REG_CONFIG_INVALID', message);
}

/**
 * Validates dataId and group as Nacos does (`invalid dataId : x`, `invalid group : x`), plus the
 * storage limits so nothing reaches the store that it would refuse.
 */
export function checkDataIdAndGroup(dataId: string, group: string): void {
  if (!isValidConfigName(dataId) || dataId.length > CONFIG_LIMITS.dataId) {
    throw invalid(`invalid dataId : ${dataId}`);
  }
  if (!isValidConfigName(group) || group.length > CONFIG_LIMITS.group) {
    throw invalid(`invalid group : ${group}`);
  }
}

/**
 * The namespace id a config lives in. Blank, `public` and `null` (any case) mean the public
 * namespace `''`: Nacos normalises only on GET; doing it everywhere keeps one key per config.
 */
export function normalizeTenant(raw: string | undefined): string {
  const tenant = raw?.trim() ?? '';
  if (tenant === '') return '';
  const lower = tenant.toLowerCase();
  if (lower === 'public' || lower === 'null') return '';
  if (!isValidConfigName(tenant)) throw invalid('invalid tenant');
  if (tenant.length > CONFIG_LIMITS.tenant) throw invalid('too long tenant, over 128');
  return tenant;
}

/** Nacos' tag check (`invalid tag : x`, `too long tag, over 16`). */
export function checkTag(tag: string | undefined): void {
  if (tag === undefined) return;
  if (!isValidConfigName(tag)) throw invalid(`invalid tag : ${tag}`);
  if (tag.length > TAG_MAX) throw invalid(`too long tag, over ${TAG_MAX}`);
}

/** A config key as one string (for maps); the separator cannot occur in a valid name. */
export function keyString(key: ConfigKey): string {
  return `${key.tenant}\u0002${key.group}\u0002${key.dataId}`;
}
