import type { Distro } from '../src/distro.js';
import type { DistroNetwork } from '../src/interfaces.js';
import type { DistroMessage } from '../src/messages.js';

/**
 * A lossless in-process network for throughput runs: every message is JSON-encoded and decoded
 * (the serialisation cost a real transport pays) and delivered on the microtask queue, so the
 * figure measures the engine rather than a simulator.
 */
export class DirectNetwork {
  private readonly nodes = new Map<string, Distro<unknown, unknown>>();
  bytes = 0;

  add(id: string, d: Distro<unknown, unknown>): void {
    this.nodes.set(id, d);
  }

  endpoint(from: string): DistroNetwork {
    return {
      send: (to, message) => {
        const text = JSON.stringify(message);
        this.bytes += text.length;
        queueMicrotask(() => {
          this.nodes
            .get(to)
            ?.handle(from, JSON.parse(text))
            .catch(() => undefined);
        });
      },
      request: async (to, message, _timeoutMs) => {
        const text = JSON.stringify(message);
        this.bytes += text.length;
        const node = this.nodes.get(to);
        if (!node) throw new Error(`no node ${to}`);
        const reply = await node.handle(from, JSON.parse(text));
        if (!reply) throw new Error('no reply');
        const back = JSON.stringify(reply);
        this.bytes += back.length;
        return JSON.parse(back) as DistroMessage;
      },
    };
  }
}
