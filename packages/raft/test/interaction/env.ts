import type { Logger } from '../../src/core/logger.js';
import type { Message } from '../../src/core/messages.js';
import { SeededRandom } from '../../src/core/random.js';
import { RawNode } from '../../src/core/raw-node.js';
import { confStateOf, EMPTY_HARD_STATE } from '../../src/core/types.js';
import type { DataDrivenCase } from './datadriven.js';
import { describeEntry, describeMessage, describeReady } from './describe.js';

/** A logger that appends `LEVEL id message key=value...` lines to a shared buffer. */
function captureLogger(out: string[], bindings: Record<string, unknown> = {}): Logger {
  const line = (level: string) => (obj: object, msg: string) => {
    const who = bindings.raft ?? '-';
    const fields = Object.entries(obj)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    out.push(`${level} ${String(who)} ${msg}${fields === '' ? '' : ` ${fields}`}`);
  };
  return {
    debug: line('DEBUG'),
    info: line('INFO'),
    warn: line('WARN'),
    error: line('ERROR'),
    child: (b) => captureLogger(out, { ...bindings, ...b }),
  };
}

/**
 * The interaction test environment (etcd's InteractionEnv): raw nodes, a mailbox per node, and
 * one handler per script command. Every handler returns the text it produced, including the core's
 * log lines, so logs are part of the tested contract.
 */
export class InteractionEnv {
  readonly nodes = new Map<number, RawNode>();
  readonly mailbox = new Map<number, Message[]>();
  readonly isolated = new Set<number>();
  readonly log: string[] = [];

  handle(c: DataDrivenCase): string {
    this.log.length = 0;
    const out: string[] = [];
    const ids = () => (c.args.length > 0 ? c.args.map(Number) : [...this.nodes.keys()]);
    switch (c.cmd) {
      case 'add-nodes':
        this.#addNodes(Number(c.args[0]), c.kv);
        break;
      case 'campaign':
        this.#node(c.args[0]).campaign();
        break;
      case 'tick': {
        const n = this.#node(c.args[0]);
        for (let i = 0; i < Number(c.args[1] ?? 1); i++) n.tick();
        break;
      }
      case 'propose':
        try {
          this.#node(c.args[0]).propose(new TextEncoder().encode(c.args[1] ?? ''));
        } catch (e) {
          out.push(`error: ${(e as { code?: string }).code}`);
        }
        break;
      case 'read-index':
        try {
          this.#node(c.args[0]).readIndex(new TextEncoder().encode(c.args[1] ?? 'r'));
        } catch (e) {
          out.push(`error: ${(e as { code?: string }).code}`);
        }
        break;
      case 'transfer-leadership':
        try {
          this.#node(c.args[0]).transferLeadership(Number(c.args[1]));
        } catch (e) {
          out.push(`error: ${(e as { code?: string }).code}`);
        }
        break;
      case 'process-ready':
        for (const id of ids()) out.push(...this.#processReady(id));
        break;
      case 'deliver-msgs':
        for (const id of ids()) out.push(...this.#deliver(id));
        break;
      case 'stabilize':
        out.push(...this.#stabilize(ids()));
        break;
      case 'isolate':
        this.isolated.add(Number(c.args[0]));
        break;
      case 'recover':
        this.isolated.clear();
        break;
      case 'status':
        out.push(...this.#status(Number(c.args[0])));
        break;
      case 'raft-log': {
        const n = this.#node(c.args[0]);
        const s = n.status();
        out.push(...n.entries(n.firstIndex(), s.lastIndex + 1).map(describeEntry));
        if (s.lastIndex === 0) out.push('log is empty');
        break;
      }
      default:
        throw new Error(`line ${c.line}: unknown command ${c.cmd}`);
    }
    return [...this.log.splice(0), ...out].join('\n');
  }

  #node(arg: string | undefined): RawNode {
    const n = this.nodes.get(Number(arg));
    if (n === undefined) throw new Error(`no node ${arg}`);
    return n;
  }

  #addNodes(count: number, kv: Record<string, string>): void {
    const voters = Array.from({ length: count }, (_, i) => i + 1);
    for (const id of voters) {
      this.nodes.set(
        id,
        new RawNode(
          {
            id,
            voters,
            preVote: kv.prevote === 'true',
            checkQuorum: kv.checkquorum === 'true',
            electionTick: Number(kv.electionTick ?? 10),
            heartbeatTick: 1,
            maxInflightMsgs: Number(kv.inflight ?? 256),
            random: new SeededRandom(id),
            logger: captureLogger(this.log),
          },
          {
            hardState: EMPTY_HARD_STATE,
            snapshot: { index: 0, term: 0, confState: confStateOf(voters) },
            entries: [],
          },
        ),
      );
      this.mailbox.set(id, []);
    }
  }

  #processReady(id: number): string[] {
    const n = this.nodes.get(id)!;
    if (!n.hasReady()) return [];
    const rd = n.ready();
    const out = describeReady(id, rd);
    for (const m of rd.messages) {
      if (this.isolated.has(m.from) || this.isolated.has(m.to)) continue;
      this.mailbox.get(m.to)?.push(m);
    }
    n.advance();
    return out;
  }

  #deliver(id: number): string[] {
    const box = this.mailbox.get(id) ?? [];
    this.mailbox.set(id, []);
    const out: string[] = [];
    for (const m of box) {
      out.push(describeMessage(m));
      this.nodes.get(id)!.step(m);
      out.push(...this.log.splice(0).map((l) => `  ${l}`));
    }
    return out;
  }

  #stabilize(ids: number[]): string[] {
    const out: string[] = [];
    for (let round = 0; round < 100; round++) {
      let worked = false;
      for (const id of ids) {
        const lines = this.#processReady(id);
        if (lines.length > 0) worked = true;
        out.push(...this.log.splice(0), ...lines);
      }
      for (const id of ids) {
        if ((this.mailbox.get(id) ?? []).length === 0) continue;
        worked = true;
        out.push(`> ${id} receiving messages`, ...this.#deliver(id).map((l) => `  ${l}`));
      }
      if (!worked) return out;
    }
    throw new Error('stabilize did not settle');
  }

  #status(id: number): string[] {
    const s = this.#node(String(id)).status();
    const out = [
      `${id} ${s.role} term=${s.term} lead=${s.lead} vote=${s.vote} commit=${s.commit} last=${s.lastIndex}`,
    ];
    for (const [pid, p] of s.progress) out.push(`  ${pid}: ${p.state} match=${p.match} next=${p.next}`);
    return out;
  }
}
