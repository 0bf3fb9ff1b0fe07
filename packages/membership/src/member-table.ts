import { type MemberAddress, parseAddress } from './address.js';
import { Emitter, type Unsubscribe } from './emitter.js';
import { MembershipError } from './errors.js';
import { type Logger, noopLogger } from './logger.js';
import { isHealthy, type Member, MemberState } from './member.js';
import { type ExtendInfoHook, type NacosMemberJson, toNacosJson } from './member-json.js';
import { systemTimers, type Timers } from './timers.js';

/** A member's state changed. Emitted once per actual change, never for UP → UP. */
export interface StateChangeEvent {
  readonly member: Member;
  readonly from: MemberState;
  readonly to: MemberState;
}

/** Events of a {@link MemberTable}. */
export interface MemberTableEvents {
  stateChange: (event: StateChangeEvent) => void;
  /** A member was added to the list (a cluster.conf edit). */
  joined: (member: Member) => void;
  /** A member was removed from the list. The snapshot is its last state. */
  left: (member: Member) => void;
}

/** Options for {@link MemberTable}. */
export interface MemberTableOptions {
  /** This member. Must be in `members`. Starts UP: it is serving if it is running. */
  readonly self: MemberAddress;
  readonly members: readonly MemberAddress[];
  /** Consecutive failures tolerated as SUSPICIOUS; one more makes DOWN. Nacos' `nacos.core.member.fail-access-cnt`, default 3. */
  readonly failAccessCnt?: number;
  /** `extendInfo.version` in member JSON. Default `1.4.2`. */
  readonly version?: string;
  /** Adds fields (e.g. raft role/term/leader/commit index) to `extendInfo`. */
  readonly extendInfo?: ExtendInfoHook;
  readonly timers?: Timers;
  readonly logger?: Logger;
}

/** Outcome of a report attempt, as the health reporter hands it to the table. */
export type ReportOutcome = { readonly ok: true } | { readonly ok: false; readonly refused: boolean };

interface Row {
  ip: string;
  port: number;
  address: string;
  state: MemberState;
  failAccessCnt: number;
  lastRefreshTime: number | undefined;
  reportedExtendInfo: Record<string, unknown>;
}

/**
 * The member list and each member's health. Driven by report outcomes (from a
 * {@link HealthReporter}) and incoming reports; reconfigured by {@link MemberTable.update}
 * (from a {@link ClusterConfWatcher}). Synchronous and deterministic: time only via `timers.now()`.
 */
export class MemberTable {
  readonly self: MemberAddress;
  readonly failAccessCnt: number;
  readonly #rows = new Map<string, Row>();
  readonly #events: Emitter<MemberTableEvents>;
  readonly #timers: Timers;
  readonly #logger: Logger;
  readonly #version: string;
  readonly #extendInfo: ExtendInfoHook | undefined;

  constructor(options: MemberTableOptions) {
    const failAccessCnt = options.failAccessCnt ?? 3;
    if (!Number.isInteger(failAccessCnt) || failAccessCnt < 0) {
      throw new MembershipError(
        'MEMBERSHIP_INVALID_OPTION',
        `failAccessCnt must be a non-negative integer, got ${String(failAccessCnt)}`,
      );
    }
    this.failAccessCnt = failAccessCnt;
    this.self = options.self;
    this.#timers = options.timers ?? systemTimers;
    this.#logger = options.logger ?? noopLogger;
    this.#events = new Emitter(this.#logger);
    this.#version = options.version ?? '1.4.2';
    this.#extendInfo = options.extendInfo;
    if (!options.members.some((m) => m.address === options.self.address)) {
      throw new MembershipError(
        'MEMBERSHIP_SELF_NOT_MEMBER',
        `self ${options.self.address} is not in the member list: ${options.members.map((m) => m.address).join(', ')}`,
      );
    }
    for (const m of options.members) this.#rows.set(m.address, this.#newRow(m));
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof MemberTableEvents>(event: K, listener: MemberTableEvents[K]): Unsubscribe {
    return this.#events.on(event, listener);
  }

  /** The member with this address, or `undefined`. */
  get(address: string): Member | undefined {
    const row = this.#rows.get(address);
    return row === undefined ? undefined : this.#snapshot(row);
  }

  /** All members, sorted by address (as `/v1/core/cluster/nodes` lists them). */
  list(): Member[] {
    return [...this.#rows.values()]
      .sort((a, b) => compare(a.address, b.address))
      .map((r) => this.#snapshot(r));
  }

  /** All members except self, sorted by address: the report targets. */
  peers(): Member[] {
    return this.list().filter((m) => !m.isSelf);
  }

  /** Members Distro may route to: UP or SUSPICIOUS (self is always UP). */
  healthy(): Member[] {
    return this.list().filter((m) => isHealthy(m.state));
  }

  /**
   * Replaces the member list. New members join as STARTING; kept members keep their state.
   * Emits `left` then `joined`, once per member. Throws (and changes nothing) when the new list
   * lacks self: a member leaves by being stopped, not by editing itself out under its own feet.
   */
  update(members: readonly MemberAddress[]): { added: Member[]; removed: Member[] } {
    const next = new Map(members.map((m) => [m.address, m]));
    if (!next.has(this.self.address)) {
      throw new MembershipError(
        'MEMBERSHIP_SELF_NOT_MEMBER',
        `self ${this.self.address} is not in the new member list: ${[...next.keys()].join(', ') || '(none)'}`,
      );
    }
    const removed: Member[] = [];
    const added: Member[] = [];
    for (const [address, row] of this.#rows) {
      if (!next.has(address)) {
        this.#rows.delete(address);
        removed.push(this.#snapshot(row));
      }
    }
    for (const [address, m] of next) {
      if (!this.#rows.has(address)) {
        const row = this.#newRow(m);
        this.#rows.set(address, row);
        added.push(this.#snapshot(row));
      }
    }
    for (const m of removed) {
      this.#logger.info({ member: m.address }, 'member left');
      this.#events.emit('left', m);
    }
    for (const m of added) {
      this.#logger.info({ member: m.address }, 'member joined');
      this.#events.emit('joined', m);
    }
    return { added, removed };
  }

  /**
   * Applies the outcome of a report sent to `address`: success → UP, fail count 0; failure →
   * fail count + 1 and DOWN when the count exceeds `failAccessCnt` or the connection was
   * refused, else SUSPICIOUS (from UP/SUSPICIOUS; DOWN and STARTING stay as they are). Returns false (and does nothing) for self or an address no longer listed.
   */
  recordReport(address: string, outcome: ReportOutcome): boolean {
    const row = this.#rows.get(address);
    if (row === undefined || address === this.self.address) return false;
    if (outcome.ok) {
      row.failAccessCnt = 0;
      row.lastRefreshTime = this.#timers.now();
      this.#setState(row, MemberState.UP);
    } else {
      row.failAccessCnt += 1;
      const down = outcome.refused || row.failAccessCnt > this.failAccessCnt;
      // A failure never improves a state: Nacos sets SUSPICIOUS before checking the count, so a
      // DOWN peer that stops refusing and starts timing out would flip back to SUSPICIOUS, which
      // Distro counts as healthy. Likewise a member never reached stays STARTING until DOWN.
      const keep = row.state === MemberState.DOWN || row.state === MemberState.STARTING;
      this.#setState(row, down ? MemberState.DOWN : keep ? row.state : MemberState.SUSPICIOUS);
    }
    return true;
  }

  /**
   * Handles a report a peer sent us (`POST /v1/core/cluster/report`): the reporter is alive, so
   * it becomes UP with fail count 0, and its extendInfo is kept for display. Returns false for a
   * reporter not in the list (Nacos answers `"false"`).
   *
   * @throws MembershipError `MEMBERSHIP_BAD_REPORT` when `body` is not member JSON; nothing changes.
   */
  recordIncomingReport(body: unknown): boolean {
    if (typeof body !== 'object' || body === null) {
      throw new MembershipError('MEMBERSHIP_BAD_REPORT', 'member report must be a JSON object');
    }
    const { ip, port, extendInfo } = body as Record<string, unknown>;
    if (typeof ip !== 'string' || typeof port !== 'number') {
      throw new MembershipError(
        'MEMBERSHIP_BAD_REPORT',
        'member report needs a string ip and a numeric port',
      );
    }
    const parsed = parseAddress(
      ip.includes(':') ? `[${ip.replace(/^\[|\]$/g, '')}]:${port}` : `${ip}:${port}`,
    );
    if (!parsed.ok) throw new MembershipError('MEMBERSHIP_BAD_REPORT', `member report: ${parsed.reason}`);
    if (
      extendInfo !== undefined &&
      (typeof extendInfo !== 'object' || extendInfo === null || Array.isArray(extendInfo))
    ) {
      throw new MembershipError('MEMBERSHIP_BAD_REPORT', 'member report extendInfo must be an object');
    }
    const row = this.#rows.get(parsed.member.address);
    if (row === undefined || row.address === this.self.address) return false;
    row.reportedExtendInfo = { ...((extendInfo as Record<string, unknown> | undefined) ?? {}) };
    delete row.reportedExtendInfo.lastRefreshTime;
    row.failAccessCnt = 0;
    row.lastRefreshTime = this.#timers.now();
    this.#setState(row, MemberState.UP);
    return true;
  }

  /**
   * Nacos member JSON for one member.
   * @throws MembershipError `MEMBERSHIP_UNKNOWN_MEMBER`.
   */
  toNacosJson(address: string): NacosMemberJson {
    const row = this.#rows.get(address);
    if (row === undefined) {
      throw new MembershipError('MEMBERSHIP_UNKNOWN_MEMBER', `no member ${address}`);
    }
    return toNacosJson(this.#snapshot(row), { version: this.#version, extendInfo: this.#extendInfo });
  }

  /**
   * Member JSON for `/v1/core/cluster/nodes?keyword=`: all members sorted by address, or those
   * whose address equals or starts with `keyword`.
   */
  toNacosJsonList(keyword?: string): NacosMemberJson[] {
    return this.list()
      .filter((m) => keyword === undefined || keyword === '' || m.address.startsWith(keyword))
      .map((m) => toNacosJson(m, { version: this.#version, extendInfo: this.#extendInfo }));
  }

  #newRow(m: MemberAddress): Row {
    const isSelf = m.address === this.self.address;
    return {
      ip: m.ip,
      port: m.port,
      address: m.address,
      state: isSelf ? MemberState.UP : MemberState.STARTING,
      failAccessCnt: 0,
      lastRefreshTime: isSelf ? this.#timers.now() : undefined,
      reportedExtendInfo: {},
    };
  }

  #setState(row: Row, to: MemberState): void {
    const from = row.state;
    if (from === to) return;
    row.state = to;
    const member = this.#snapshot(row);
    this.#logger.info(
      { member: row.address, from, to, failAccessCnt: row.failAccessCnt },
      'member state changed',
    );
    this.#events.emit('stateChange', { member, from, to });
  }

  #snapshot(row: Row): Member {
    const isSelf = row.address === this.self.address;
    return Object.freeze({
      ip: row.ip,
      port: row.port,
      address: row.address,
      state: row.state,
      failAccessCnt: row.failAccessCnt,
      lastRefreshTime: isSelf ? this.#timers.now() : row.lastRefreshTime,
      isSelf,
      reportedExtendInfo: Object.freeze({ ...row.reportedExtendInfo }),
    });
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
