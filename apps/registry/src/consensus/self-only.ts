import type { DistroNetwork, MemberView } from '@reg/distro';
import type { Message, Transport } from '@reg/raft';

/** A standalone member's Raft transport: there is nobody to talk to. */
export function noPeerTransport(): Transport {
  return {
    start() {},
    send(_messages: readonly Message[]) {},
    stop() {},
  };
}

/** A standalone member's Distro view: itself, always healthy, so it owns every key. */
export function selfOnlyMembers(self: string): MemberView {
  const members = [self];
  return { self, healthyMembers: () => members, onChange: () => () => undefined };
}

/** A standalone member's Distro network; never used, since no peer is ever listed. */
export function noPeerNetwork(): DistroNetwork {
  return {
    send() {},
    request: (to) => Promise.reject(new Error(`no peer ${to}: this member runs alone`)),
  };
}
