import type { MemberView } from '../interfaces.js';

/** A {@link MemberView} the test sets by hand (what `@reg/membership` computes in production). */
export class SimMemberView implements MemberView {
  private members: string[];
  private readonly listeners = new Set<() => void>();

  private listed: string[] | undefined;

  /** `listed`, when given, is what {@link MemberView.listedMembers} answers (cluster.conf). */
  constructor(
    readonly self: string,
    members: readonly string[],
    listed?: readonly string[],
  ) {
    this.members = [...members].sort();
    this.listed = listed === undefined ? undefined : [...listed].sort();
  }

  /** The listed members given at construction; none (only the healthy list counts) otherwise. */
  listedMembers(): readonly string[] {
    return this.listed ?? [];
  }

  healthyMembers(): readonly string[] {
    return this.members;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces the listed members (no event: cluster.conf edits show up as health changes). */
  setListed(listed: readonly string[]): void {
    this.listed = [...listed].sort();
  }

  /** Replaces the healthy list and notifies listeners when it changed. */
  set(members: readonly string[]): void {
    const next = [...new Set(members)].sort();
    if (next.length === this.members.length && next.every((m, i) => m === this.members[i])) return;
    this.members = next;
    for (const l of [...this.listeners]) l();
  }
}
