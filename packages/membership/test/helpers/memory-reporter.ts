import type { MemberReporter } from '../../src/health-reporter.js';
import type { Member } from '../../src/member.js';
import type { NacosMemberJson } from '../../src/member-json.js';

/** How an in-memory peer answers a report. */
export type PeerBehaviour = 'up' | 'refuse' | 'error' | 'hang' | 'hang-ignoring-signal';

/**
 * An in-memory {@link MemberReporter}: each peer's behaviour is set by the test; every call is
 * recorded with the body sent.
 */
export class MemoryReporter implements MemberReporter {
  readonly calls: { target: string; self: NacosMemberJson }[] = [];
  readonly #behaviour = new Map<string, PeerBehaviour>();

  set(address: string, behaviour: PeerBehaviour): void {
    this.#behaviour.set(address, behaviour);
  }

  report(target: Member, self: NacosMemberJson, signal: AbortSignal): Promise<void> {
    this.calls.push({ target: target.address, self });
    const behaviour = this.#behaviour.get(target.address) ?? 'up';
    switch (behaviour) {
      case 'up':
        return Promise.resolve();
      case 'refuse':
        return Promise.reject(
          Object.assign(new Error(`connect ECONNREFUSED ${target.address}`), { code: 'ECONNREFUSED' }),
        );
      case 'error':
        return Promise.reject(new Error('socket hang up'));
      case 'hang':
        return new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      case 'hang-ignoring-signal':
        return new Promise(() => {});
    }
  }
}
