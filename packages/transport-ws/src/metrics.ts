import type { PeerLink } from './peer-link.js';
import type { TransportMetrics } from './types.js';

const SUMMED = ['framesOut', 'bytesOut', 'framesIn', 'bytesIn', 'reconnects', 'overflows'] as const;

/**
 * Transport-wide counters. Per-peer counters live on each `PeerLink`; when a peer is removed its
 * counters are folded in here, so totals never go backwards when membership changes.
 */
export class MetricsRegistry {
  authFailures = 0;
  handshakeFailures = 0;
  protocolErrors = 0;
  private readonly retired = {
    framesOut: 0,
    bytesOut: 0,
    framesIn: 0,
    bytesIn: 0,
    reconnects: 0,
    overflows: 0,
  };

  /** Keeps the counters of a removed peer in the totals. */
  retire(link: PeerLink): void {
    for (const k of SUMMED) this.retired[k] += link[k];
  }

  /** A snapshot over the current peers plus retired ones. */
  snapshot(links: Iterable<PeerLink>): TransportMetrics {
    const peers = [...links].map((l) => l.metrics());
    const t = { ...this.retired };
    for (const p of peers) for (const k of SUMMED) t[k] += p[k];
    return {
      ...t,
      authFailures: this.authFailures,
      handshakeFailures: this.handshakeFailures,
      protocolErrors: this.protocolErrors,
      peers,
    };
  }
}
