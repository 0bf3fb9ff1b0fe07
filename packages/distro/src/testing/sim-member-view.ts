import type { MemberView } from '../interfaces.js';

/** A {@link MemberView} the test sets by hand (what `@reg/membership` computes in production). */
export class SimMemberView implements MemberView {
  private members: string[];
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly self: string,
    members: readonly string[],
  ) {
    this.members = [...members].sort();
  }

  healthyMembers(): readonly string[] {
    return this.members;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces the healthy list and notifies listeners when it changed. */
  set(members: readonly string[]): void {
    const next = [...new Set(members)].sort();
    if (next.length === this.members.length && next.every((m, i) => m === this.members[i])) return;
    this.members = next;
    for (const l of [...this.listeners]) l();
  }
}
