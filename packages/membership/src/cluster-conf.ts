import { DEFAULT_MEMBER_PORT, type MemberAddress, parseAddress } from './address.js';
import { type LineIssue, MembershipError } from './errors.js';

/** Options for {@link parseClusterConf}. */
export interface ParseClusterConfOptions {
  /** Named in every issue and in the error message. Default `<input>`. */
  readonly fileName?: string;
  /** Port for entries without one. Default 8848. */
  readonly defaultPort?: number;
}

/** Outcome of a parse: the members in file order, or one error listing every bad entry. */
export type ClusterConfParse =
  | { readonly ok: true; readonly members: readonly MemberAddress[] }
  | { readonly ok: false; readonly error: MembershipError };

/** The `fileName` used in issues raised by {@link parseMemberList}. */
export const MEMBER_LIST_PROPERTY = 'nacos.member.list';

/**
 * Parses the text of a Nacos `cluster.conf`. Pure: no I/O, never throws.
 *
 * Rules (a superset of Nacos' reader, stricter where Nacos fails late or silently):
 * - one or more entries per line, separated by commas; each entry and line is trimmed;
 * - blank lines are skipped; `#` starts a comment, on its own line or after entries;
 * - entry = `host[:port]`, `[ipv6][:port]` or bare IPv6; default port 8848; ports 1001..65535;
 * - an empty entry (`a,,b`, a trailing comma), a malformed host or port, or a **duplicate**
 *   address is an error: a duplicate usually hides a typo and would count one member twice;
 * - a file with no entries is an error (a cluster of nobody).
 *
 * Every bad entry is reported, each with file name and 1-based line number, in one
 * `MEMBERSHIP_BAD_LINE` error; the members are returned only if there is none.
 */
export function parseClusterConf(text: string, options: ParseClusterConfOptions = {}): ClusterConfParse {
  const fileName = options.fileName ?? '<input>';
  const defaultPort = options.defaultPort ?? DEFAULT_MEMBER_PORT;
  const issues: LineIssue[] = [];
  const members: MemberAddress[] = [];
  const seenOn = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const hash = raw.indexOf('#');
    const content = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (content.length === 0) return;
    for (const piece of content.split(',')) {
      const entry = piece.trim();
      const parsed = parseAddress(entry, defaultPort);
      if (!parsed.ok) {
        issues.push({ fileName, line, entry, reason: parsed.reason });
        continue;
      }
      const first = seenOn.get(parsed.member.address);
      if (first !== undefined) {
        issues.push({
          fileName,
          line,
          entry,
          reason: `duplicate of ${parsed.member.address} (line ${first})`,
        });
        continue;
      }
      seenOn.set(parsed.member.address, line);
      members.push(parsed.member);
    }
  });
  if (issues.length === 0 && members.length === 0) {
    issues.push({ fileName, line: 0, entry: '', reason: 'no members listed' });
  }
  if (issues.length > 0) {
    const detail = issues.map((i) => `  ${i.fileName}:${i.line}: '${i.entry}': ${i.reason}`).join('\n');
    const error = new MembershipError(
      'MEMBERSHIP_BAD_LINE',
      `${fileName}: ${issues.length} invalid ${issues.length === 1 ? 'entry' : 'entries'}\n${detail}`,
      { issues },
    );
    return { ok: false, error };
  }
  return { ok: true, members };
}

/**
 * Parses the `nacos.member.list` property (`-c` in Nacos' startup script): a comma list with the
 * same rules as {@link parseClusterConf}; issues name `nacos.member.list`, line 1.
 */
export function parseMemberList(
  value: string,
  options: Omit<ParseClusterConfOptions, 'fileName'> = {},
): ClusterConfParse {
  return parseClusterConf(value, { ...options, fileName: MEMBER_LIST_PROPERTY });
}
