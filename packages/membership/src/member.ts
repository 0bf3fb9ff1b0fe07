import type { MemberAddress } from './address.js';

/**
 * A member's health as seen from this member, spelled as Nacos spells it in member JSON.
 * - `STARTING`: listed, never reached nor heard from yet (failures keep it here until DOWN).
 * - `UP`: the last report to it succeeded, or it reported to us.
 * - `SUSPICIOUS`: 1..failAccessCnt consecutive reports failed; still counted as healthy.
 * - `DOWN`: more than failAccessCnt consecutive failures, or a refused connection; only a
 *   success or an incoming report leaves it.
 */
export const MemberState = {
  STARTING: 'STARTING',
  UP: 'UP',
  SUSPICIOUS: 'SUSPICIOUS',
  DOWN: 'DOWN',
} as const;

/** One of {@link MemberState}. */
export type MemberState = (typeof MemberState)[keyof typeof MemberState];

/** A read-only snapshot of one member, as the table exposes it. */
export interface Member extends MemberAddress {
  readonly state: MemberState;
  /** Consecutive failed reports to this member. Invariant: 0 when state is UP or STARTING. */
  readonly failAccessCnt: number;
  /** Last time (ms since epoch) this member was heard from or reached; `undefined` if never. */
  readonly lastRefreshTime: number | undefined;
  /** True for this member itself. */
  readonly isSelf: boolean;
  /** The extendInfo the member sent in its last report (plain JSON), `{}` until then. */
  readonly reportedExtendInfo: Readonly<Record<string, unknown>>;
}

/** True for the states Distro counts as healthy (Nacos: UP and SUSPICIOUS). */
export function isHealthy(state: MemberState): boolean {
  return state === MemberState.UP || state === MemberState.SUSPICIOUS;
}
