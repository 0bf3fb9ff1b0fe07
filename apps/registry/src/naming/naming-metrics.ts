/**
 * Counters of the naming module, kept here so an exporter (Prometheus, `/operator/metrics`) can
 * read them later without reaching into the components. Monotonic counters only grow; gauges
 * (services, instances) are computed on demand by `NamingCore.counts()`.
 */
export class NamingMetrics {
  /** Client beats answered (found or re-registered). */
  beats = 0;
  /** Instances registered (ephemeral and persistent, re-registrations included). */
  registrations = 0;
  deregistrations = 0;
  /** Ephemeral instances marked unhealthy or removed by the beat checker. */
  expiredUnhealthy = 0;
  expiredRemoved = 0;
  /** Health flips committed by server-side checks. */
  healthFlips = 0;
  /** Push datagrams sent (first sends and retries), acknowledged, and given up on. */
  pushSent = 0;
  pushAcked = 0;
  pushFailed = 0;
  /** Sum and count of change-to-ack latencies in ms, for an average or a histogram later. */
  pushLatencyMsSum = 0;
  pushLatencyCount = 0;
  /** Told each change-to-ack latency (an exporter's histogram). */
  onPushLatency: ((ms: number) => void) | undefined;

  /** Records one acknowledged push's change-to-ack latency. */
  recordPushLatency(ms: number): void {
    this.pushLatencyMsSum += ms;
    this.pushLatencyCount++;
    this.onPushLatency?.(ms);
  }

  snapshot(): Record<string, number> {
    const { onPushLatency: _hook, ...counters } = this;
    return counters as unknown as Record<string, number>;
  }
}
