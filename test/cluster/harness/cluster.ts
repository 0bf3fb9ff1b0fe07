import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackFolder, untrackFolder } from './cleanup.js';
import { httpCall, resetConnections } from './http-client.js';
import { MemberProcess } from './member-process.js';
import { freeMemberPorts } from './ports.js';

/** A member's own Raft view, from `extendInfo.raftMetaData.metaDataMap.reg_cp` of `/cluster/self`. */
export interface RaftView {
  readonly role: string;
  readonly term: number;
  readonly leaderMember: string | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
}

export interface ClusterOptions {
  readonly size: number;
  /** Names the temporary folder, for finding the logs of a failed run. */
  readonly label: string;
  /** Environment for every member, over the harness defaults. */
  readonly env?: Record<string, string>;
  /** application.properties entries for every member. */
  readonly properties?: Record<string, string>;
  /** Readiness wait at start (default 40 s: the CI machine is shared and slow). */
  readonly readyTimeoutMs?: number;
}

/** Settings that make faults show quickly: fast health reports, a short election timeout. */
export const FAULT_TEST_ENV: Readonly<Record<string, string>> = {
  REG_CLUSTER_SECRET: 'fault-tests-cluster-secret-0123456789',
  REG_MEMBER_REPORT_INTERVAL_MS: '200',
  REG_RAFT_ELECTION_TIMEOUT_MS: '600',
  REG_CP_TIMEOUT_MS: '2000',
  REG_LOG_LEVEL: 'info',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * N registry processes on 127.0.0.1 sharing one cluster.conf, each with its own home and data.
 * `destroy()` always runs from afterAll; process-exit hooks (cleanup.ts) cover crashes.
 */
export class Cluster {
  readonly root: string;
  readonly members: readonly MemberProcess[];

  private constructor(root: string, members: MemberProcess[]) {
    this.root = root;
    this.members = members;
  }

  /** Creates the homes and starts every member; waits until all are ready. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    const root = mkdtempSync(join(tmpdir(), `reg-faults-${options.label}-`));
    trackFolder(root);
    const ports = await freeMemberPorts(options.size);
    const conf = `${ports.map((p) => `127.0.0.1:${p}`).join('\n')}\n`;
    const props = Object.entries(options.properties ?? {}).map(([k, v]) => `${k}=${v}`);
    const members = ports.map((port, index) => {
      const home = join(root, `m${index}`);
      mkdirSync(join(home, 'conf'), { recursive: true });
      writeFileSync(join(home, 'conf', 'cluster.conf'), conf);
      writeFileSync(join(home, 'conf', 'application.properties'), `${props.join('\n')}\n`);
      return new MemberProcess({ index, port, home, env: { ...FAULT_TEST_ENV, ...options.env } });
    });
    const cluster = new Cluster(root, members);
    try {
      for (const m of members) m.start();
      await cluster.waitReady(members, options.readyTimeoutMs ?? 40_000);
    } catch (err) {
      await cluster.destroy(true);
      throw err;
    }
    return cluster;
  }

  /** Members the harness has not killed, stopped or paused. */
  running(): MemberProcess[] {
    return this.members.filter((m) => m.state === 'running');
  }

  /** Running members that answered readiness since their latest start (their data is loaded). */
  readyMembers(): MemberProcess[] {
    return this.running().filter((m) => m.ready);
  }

  /** Waits until each member answers readiness 200; fails early when one exits. */
  async waitReady(members: readonly MemberProcess[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const pending = new Set(members);
    let last = '';
    while (pending.size > 0 && Date.now() < deadline) {
      for (const m of [...pending]) {
        if (m.state !== 'running') throw new Error(`member ${m.index} is ${m.state} while waiting for it`);
        const out = await httpCall(m.port, {
          method: 'GET',
          path: '/nacos/v1/console/health/readiness',
          timeoutMs: 2_000,
        });
        if (out.kind === 'answered' && out.status === 200) {
          m.ready = true;
          pending.delete(m);
        } else
          last = `member ${m.index}: ${out.kind === 'answered' ? `${out.status} ${out.text}` : out.message}`;
      }
      if (pending.size > 0) await sleep(100);
    }
    if (pending.size > 0) {
      const logs = [...pending].map((m) => `m${m.index} stderr: ${m.readStderr().slice(-1000)}`).join('\n');
      throw new Error(`not ready within ${timeoutMs} ms (${last}); logs in ${this.root}\n${logs}`);
    }
  }

  /** A member's live Raft view, or undefined when it does not answer within `timeoutMs`. */
  async raftView(member: MemberProcess, timeoutMs = 1_000): Promise<RaftView | undefined> {
    const out = await httpCall(member.port, {
      method: 'GET',
      path: '/nacos/v1/core/cluster/self',
      timeoutMs,
    });
    if (out.kind !== 'answered' || out.status !== 200) return undefined;
    try {
      const body = JSON.parse(out.text) as {
        data: { extendInfo?: { raftMetaData?: { metaDataMap?: { reg_cp?: RaftView } } } };
      };
      return body.data.extendInfo?.raftMetaData?.metaDataMap?.reg_cp;
    } catch {
      return undefined;
    }
  }

  /**
   * The leader that every member in `among` (default: the running ones) names, in one term,
   * once they agree; throws after `timeoutMs`.
   */
  async leader(timeoutMs = 20_000, among?: readonly MemberProcess[]): Promise<MemberProcess> {
    const deadline = Date.now() + timeoutMs;
    let views: (RaftView | undefined)[] = [];
    while (Date.now() < deadline) {
      const group = among ?? this.running();
      views = await Promise.all(group.map((m) => this.raftView(m)));
      const leaders = group.filter((_, i) => views[i]?.role === 'LEADER');
      const leader = leaders[0];
      if (
        leaders.length === 1 &&
        leader &&
        views.every((v) => v?.leaderMember === leader.address && v.term === views[0]?.term)
      )
        return leader;
      await sleep(100);
    }
    throw new Error(`no agreed leader within ${timeoutMs} ms: ${JSON.stringify(views)}`);
  }

  /** kill -9 then start again on the same port and data; waits for readiness. */
  async restart(member: MemberProcess, readyTimeoutMs = 40_000): Promise<void> {
    await member.kill9();
    resetConnections(member.port);
    member.start();
    await this.waitReady([member], readyTimeoutMs);
  }

  /** Starts a killed or stopped member again (same port and data) without waiting. */
  startAgain(member: MemberProcess): void {
    resetConnections(member.port);
    member.start();
  }

  /** Stops every process; removes the folder unless `keep` (then its path is printed). */
  async destroy(keep = false): Promise<void> {
    await Promise.all(this.members.map((m) => m.stop()));
    for (const m of this.members) resetConnections(m.port);
    untrackFolder(this.root);
    if (keep) console.warn(`[faults] kept the member homes and logs in ${this.root}`);
    else rmSync(this.root, { recursive: true, force: true });
  }
}
