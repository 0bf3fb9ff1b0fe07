/** Every error code `@reg/membership` produces. Stable: callers match on `code`. */
export type MembershipErrorCode =
  /** One or more entries of cluster.conf or `nacos.member.list` are malformed; `issues` lists each with its line. */
  | 'MEMBERSHIP_BAD_LINE'
  /** An option passed to a constructor or function is out of range or of the wrong type. */
  | 'MEMBERSHIP_INVALID_OPTION'
  /** In cluster mode this member's own address is not in the member list. */
  | 'MEMBERSHIP_SELF_NOT_MEMBER'
  /** More than one listed member is a local address on this member's port (the member would be counted twice). */
  | 'MEMBERSHIP_SELF_AMBIGUOUS'
  /** cluster.conf could not be read (absent, unreadable, deleted while watched). */
  | 'MEMBERSHIP_FILE_UNREADABLE'
  /** An address names no member of the table. */
  | 'MEMBERSHIP_UNKNOWN_MEMBER'
  /** An incoming member report is not valid member JSON (the registry answers 400 `Node information is illegal`). */
  | 'MEMBERSHIP_BAD_REPORT'
  /** A report to a peer failed: a non-2xx answer, or no answer within the report timeout. */
  | 'MEMBERSHIP_REPORT_FAILED'
  /** The watcher or health reporter is closed (or was never started). */
  | 'MEMBERSHIP_CLOSED';

/** Every code, in catalogue order (the README "Errors" section follows it). */
export const MEMBERSHIP_ERROR_CODES: readonly MembershipErrorCode[] = [
  'MEMBERSHIP_BAD_LINE',
  'MEMBERSHIP_INVALID_OPTION',
  'MEMBERSHIP_SELF_NOT_MEMBER',
  'MEMBERSHIP_SELF_AMBIGUOUS',
  'MEMBERSHIP_FILE_UNREADABLE',
  'MEMBERSHIP_UNKNOWN_MEMBER',
  'MEMBERSHIP_BAD_REPORT',
  'MEMBERSHIP_REPORT_FAILED',
  'MEMBERSHIP_CLOSED',
];

/** One malformed entry found by the cluster.conf / member-list parser. */
export interface LineIssue {
  /** File name given to the parser, or `nacos.member.list` for the property, or `<input>`. */
  readonly fileName: string;
  /** 1-based line number. The property counts as line 1. */
  readonly line: number;
  /** The offending entry exactly as written (after comment removal). */
  readonly entry: string;
  /** Why it was rejected, as a short phrase ("port 70000 out of range 1001..65535"). */
  readonly reason: string;
}

/** Options for {@link MembershipError}. */
export interface MembershipErrorOptions {
  readonly cause?: unknown;
  /** For `MEMBERSHIP_BAD_LINE`: every bad entry, in file order. */
  readonly issues?: readonly LineIssue[];
}

const BRAND = Symbol.for('@reg/membership.MembershipError');

/**
 * The one error class of `@reg/membership`. Match on {@link MembershipError.code} (or
 * {@link isMembershipError}), not on `instanceof`: two installed copies of the package break
 * `instanceof`, so the class is branded with a global symbol instead.
 */
export class MembershipError extends Error {
  override readonly name = 'MembershipError';
  readonly code: MembershipErrorCode;
  /** See {@link MembershipErrorOptions.issues}; empty for other codes. */
  readonly issues: readonly LineIssue[];

  constructor(code: MembershipErrorCode, message: string, options: MembershipErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True when `err` is a {@link MembershipError} from any installed copy of this package. */
export function isMembershipError(err: unknown): err is MembershipError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}
