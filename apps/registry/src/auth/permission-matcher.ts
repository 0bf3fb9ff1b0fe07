import type { Action, Resource } from './resource.js';

/** A stored permission: `resource` as the console writes it (`ns:*:*`, `:DEFAULT_GROUP:config/app*`). */
export interface PermissionGrant {
  readonly resource: string;
  readonly action: string;
}

/**
 * Nacos' matching: a permission covers a request when its action string contains the needed letter
 * and its resource, with `*` as "any run of characters", matches the whole requested resource.
 *
 * Two deliberate differences from Nacos, both stricter: every character other than `*` is literal
 * (Nacos hands the text to Java's regex engine, so `.` matches anything and a stray `(` breaks the
 * check), and a data permission (`ns:group:rest`) is matched segment by segment, so a colon inside
 * a requested namespace or group cannot line a value up with another segment of the permission.
 */
export function grantCovers(grant: PermissionGrant, resource: Resource, action: Action): boolean {
  if (!grant.action.includes(action)) return false;
  if (resource.kind === 'named') return wildcardMatch(grant.resource, resource.name);
  const first = grant.resource.indexOf(':');
  const second = first === -1 ? -1 : grant.resource.indexOf(':', first + 1);
  if (second === -1) {
    // Not of the `ns:group:rest` form: only a pattern that is all wildcards covers data.
    return /^\*+$/.test(grant.resource);
  }
  return (
    wildcardMatch(grant.resource.slice(0, first), resource.namespace) &&
    wildcardMatch(grant.resource.slice(first + 1, second), resource.group) &&
    wildcardMatch(grant.resource.slice(second + 1), resource.name)
  );
}

/**
 * Whole-string match of `pattern` (literal text, `*` = any run, including empty) against `text`.
 * Greedy matching with one backtrack point, at worst pattern x text steps (both are short): no
 * regex, so no catastrophic patterns.
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
