import type { Cluster } from '../../cluster/harness/cluster.js';
import { httpCall } from '../../cluster/harness/http-client.js';
import type { SeededRandom } from '../seeded-random.js';

const OP_TIMEOUT_MS = 3_000;

/**
 * The "no acknowledged write lost" workload: every publish creates a new config whose content
 * names itself, at a random member. After the faults every acknowledged config must be readable
 * with its content at every member; publishes without an answer may or may not be there.
 */
export class ConfigLedgerWorkload {
  readonly acknowledged: string[] = [];
  indeterminate = 0;
  refused = 0;
  readonly unexpected: string[] = [];
  #stopped = false;
  #loops: Promise<void>[] = [];
  #sequence = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly rng: SeededRandom,
    private readonly options: { readonly clients: number; readonly group: string; readonly thinkMs?: number },
  ) {}

  start(): void {
    for (let c = 0; c < this.options.clients; c++) this.#loops.push(this.#client(this.rng.fork(100 + c)));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#loops);
  }

  async #client(rng: SeededRandom): Promise<void> {
    while (!this.#stopped) {
      const dataId = `reg-faults-ledger-${this.#sequence++}`;
      const member = rng.pick(this.cluster.members);
      const out = await httpCall(member.port, {
        method: 'POST',
        path: '/nacos/v1/cs/configs',
        form: { dataId, group: this.options.group, content: `content of ${dataId}` },
        timeoutMs: OP_TIMEOUT_MS,
      });
      if (out.kind === 'answered' && out.status === 200 && out.text === 'true')
        this.acknowledged.push(dataId);
      else if (out.kind === 'refused') this.refused++;
      else {
        this.indeterminate++;
        if (out.kind === 'answered' && out.status >= 400 && out.status < 500)
          this.unexpected.push(`ledger publish at m${member.index}: ${out.status} ${out.text.slice(0, 200)}`);
      }
      if (this.options.thinkMs) await new Promise((r) => setTimeout(r, this.options.thinkMs));
    }
  }

  /** Acknowledged configs missing (or wrong) at some running member: must be empty. */
  async lostWrites(): Promise<string[]> {
    const lost: string[] = [];
    for (const member of this.cluster.running()) {
      let next = 0;
      const worker = async () => {
        while (next < this.acknowledged.length) {
          const dataId = this.acknowledged[next++] as string;
          let out = await this.#get(member.port, dataId);
          for (let attempt = 0; attempt < 3 && out.kind !== 'answered'; attempt++)
            out = await this.#get(member.port, dataId);
          const expected = `content of ${dataId}`;
          if (out.kind !== 'answered' || out.status !== 200 || out.text !== expected) {
            const got = out.kind === 'answered' ? `${out.status} ${out.text.slice(0, 80)}` : out.message;
            lost.push(`acknowledged ${dataId} at m${member.index}: ${got}`);
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    }
    return lost;
  }

  #get(port: number, dataId: string) {
    return httpCall(port, {
      method: 'GET',
      path: '/nacos/v1/cs/configs',
      query: { dataId, group: this.options.group },
      timeoutMs: OP_TIMEOUT_MS,
    });
  }
}
