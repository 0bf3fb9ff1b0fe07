import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  type CasRegisterInput,
  type CasRegisterOutput,
  type CheckResult,
  casRegisterModel,
  checkLinearizability,
  type Operation,
} from '@reg/raft/testing';
import type { Cluster } from '../../cluster/harness/cluster.js';
import { httpCall } from '../../cluster/harness/http-client.js';
import type { MemberProcess } from '../../cluster/harness/member-process.js';
import type { SeededRandom } from '../seeded-random.js';

/** Longer than the members' CP timeout (2 s), so the server's own verdict usually arrives. */
const OP_TIMEOUT_MS = 3_000;
const CAS_MISMATCH = 'Cas publish fail';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

type CasOperation = Operation<CasRegisterInput, CasRegisterOutput>;

export interface CasRegisterCounts {
  reads: number;
  writes: number;
  casTrue: number;
  casFalse: number;
  indeterminate: number;
  refused: number;
  noLeader: number;
  failedReads: number;
}

/**
 * Configs used as compare-and-set registers: clients read (`GET /v1/cs/configs`), publish, and
 * publish with `casMd5` of the value they last saw, at random members. The history records
 * each call and return on this process's monotonic clock. A publish whose answer never came
 * (timeout, reset, `REG_CP_TIMEOUT` or any other 5xx than the CAS refusal and 503) is
 * `return: Infinity`, since it may have been applied. Left out: refused connections (the server
 * never saw them), 503 `REG_NO_LEADER` (the registry refuses before proposing; should such a write
 * ever take effect, a read of its unique value makes the history illegal) and reads without an
 * answer (a read changes nothing).
 */
export class CasRegisterWorkload {
  readonly history: CasOperation[] = [];
  readonly counts: CasRegisterCounts = {
    reads: 0,
    writes: 0,
    casTrue: 0,
    casFalse: 0,
    indeterminate: 0,
    refused: 0,
    noLeader: 0,
    failedReads: 0,
  };
  /** Answers no correct server gives to these requests (4xx): reported as violations. */
  readonly unexpected: string[] = [];
  #stopped = false;
  #loops: Promise<void>[] = [];
  #sequence = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly rng: SeededRandom,
    private readonly options: { readonly keys: number; readonly clients: number; readonly group: string },
  ) {}

  dataId(key: number): string {
    return `reg-faults-cas-${key}`;
  }

  start(): void {
    for (let c = 0; c < this.options.clients; c++) this.#loops.push(this.#client(c, this.rng.fork(c)));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#loops);
  }

  async #client(clientId: number, rng: SeededRandom): Promise<void> {
    const seen = new Map<number, string | null>();
    while (!this.#stopped) {
      const key = rng.int(this.options.keys);
      const member = rng.pick(this.cluster.members);
      const roll = rng.next();
      const known = seen.get(key);
      if (roll < 0.5) {
        const value = await this.read(clientId, member, key);
        if (value !== undefined) seen.set(key, value);
      } else {
        const value = `c${clientId}-${this.#sequence++}`;
        const expected = roll < 0.8 && known !== undefined && known !== null ? known : undefined;
        const ok = await this.#publish(clientId, member, key, value, expected);
        if (ok) seen.set(key, value);
      }
    }
  }

  /** One recorded read; the value (null when absent), or undefined without an answer. */
  async read(clientId: number, member: MemberProcess, key: number): Promise<string | null | undefined> {
    const call = performance.now();
    const out = await httpCall(member.port, {
      method: 'GET',
      path: '/nacos/v1/cs/configs',
      query: { dataId: this.dataId(key), group: this.options.group },
      timeoutMs: OP_TIMEOUT_MS,
    });
    const ret = performance.now();
    let value: string | null;
    if (out.kind === 'answered' && out.status === 200) value = out.text;
    else if (out.kind === 'answered' && out.status === 404) value = null;
    else {
      this.counts.failedReads++;
      if (out.kind === 'answered' && out.status >= 400 && out.status < 500)
        this.unexpected.push(`read ${key} at m${member.index}: ${out.status} ${out.text.slice(0, 200)}`);
      return undefined;
    }
    this.counts.reads++;
    this.history.push({
      clientId,
      input: { op: 'read', key: String(key) },
      output: value,
      call,
      return: ret,
    });
    return value;
  }

  async #publish(
    clientId: number,
    member: MemberProcess,
    key: number,
    value: string,
    expected: string | undefined,
  ): Promise<boolean> {
    const form: Record<string, string> = {
      dataId: this.dataId(key),
      group: this.options.group,
      content: value,
    };
    if (expected !== undefined) form.casMd5 = md5(expected);
    const input: CasRegisterInput =
      expected === undefined
        ? { op: 'write', key: String(key), value }
        : { op: 'cas', key: String(key), expected: md5(expected), value };
    const call = performance.now();
    const out = await httpCall(member.port, {
      method: 'POST',
      path: '/nacos/v1/cs/configs',
      form,
      timeoutMs: OP_TIMEOUT_MS,
    });
    const ret = performance.now();
    if (out.kind === 'refused') {
      this.counts.refused++;
      return false;
    }
    if (out.kind === 'answered' && out.status === 503) {
      // REG_NO_LEADER: refused before proposing (the registry's contract). Left out of the
      // history, so if such a write ever took effect, a read of its unique value fails the check.
      this.counts.noLeader++;
      return false;
    }
    if (out.kind === 'answered' && out.status === 200 && out.text === 'true') {
      if (input.op === 'cas') this.counts.casTrue++;
      else this.counts.writes++;
      this.history.push({
        clientId,
        input,
        output: input.op === 'cas' ? true : undefined,
        call,
        return: ret,
      });
      return true;
    }
    if (
      input.op === 'cas' &&
      out.kind === 'answered' &&
      out.status === 500 &&
      out.text.includes(CAS_MISMATCH)
    ) {
      this.counts.casFalse++;
      this.history.push({ clientId, input, output: false, call, return: ret });
      return false;
    }
    if (out.kind === 'answered' && out.status >= 400 && out.status < 500)
      this.unexpected.push(`publish ${key} at m${member.index}: ${out.status} ${out.text.slice(0, 200)}`);
    this.counts.indeterminate++;
    this.history.push({ clientId, input, call, return: Number.POSITIVE_INFINITY });
    return false;
  }

  /** After the faults: every key read at every running member, appended to the history. */
  async finalReads(): Promise<string[]> {
    const problems: string[] = [];
    for (const member of this.cluster.running()) {
      for (let key = 0; key < this.options.keys; key++) {
        let value: string | null | undefined;
        for (let attempt = 0; attempt < 5 && value === undefined; attempt++) {
          value = await this.read(1_000 + member.index, member, key);
        }
        if (value === undefined) problems.push(`final read of key ${key} at m${member.index} got no answer`);
      }
    }
    return problems;
  }

  /** The verdict of the linearizability checker over the whole history. */
  check(timeoutMs = 60_000): CheckResult<CasRegisterInput, CasRegisterOutput> {
    const model = casRegisterModel({
      matches: (current, expected) => current !== null && md5(current) === expected,
    });
    return checkLinearizability(this.history, model, { timeoutMs });
  }
}
