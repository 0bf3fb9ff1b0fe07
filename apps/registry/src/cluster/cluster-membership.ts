import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ClusterConfWatcher,
  HealthReporter,
  HttpMemberReporter,
  identifySelf,
  isMembershipError,
  type MemberAddress,
  MemberTable,
  parseMemberList,
} from '@reg/membership';
import type { Logger } from 'pino';
import type { RegistryConfig } from '../config/load-config.js';
import { type ClusterView, NACOS_API_VERSION, selfOnlyCluster } from './member.js';

/** The running membership of this process: the view the HTTP layer serves, and how to stop it. */
export interface Membership {
  readonly view: ClusterView;
  /** `ip:port` of this member. */
  readonly selfAddress: string;
  /** Where the member list came from, for the start line. */
  readonly source: 'standalone' | 'cluster.conf' | 'nacos.member.list';
  /** The member table (cluster mode), for the peer layer; undefined standalone. */
  readonly table: MemberTable | undefined;
  close(): Promise<void>;
}

/** Extra `extendInfo` fields of this member (its Raft view); shown by `/v1/core/cluster/*`. */
export type SelfExtendInfo = () => Readonly<Record<string, unknown>>;

/** Raised when cluster mode cannot establish who the members are or which one is this process. */
export class MembershipStartError extends Error {
  override name = 'MembershipStartError';
}

/**
 * Standalone: this process alone. Cluster: members from `<conf-dir>/cluster.conf` (watched, so
 * edits apply at runtime) or `nacos.member.list`, health from Nacos' report protocol
 * (`POST /v1/core/cluster/report` to the next member every `reg.member.report.interval.ms`).
 */
export async function startMembership(
  config: RegistryConfig,
  logger: Logger,
  selfExtendInfo: SelfExtendInfo = () => ({}),
): Promise<Membership> {
  if (config.mode === 'standalone') {
    const view = selfOnlyCluster({
      ip: config.ip,
      port: config.port,
      version: config.version,
      extendInfo: selfExtendInfo,
    });
    return {
      view,
      selfAddress: view.self().address,
      source: 'standalone',
      table: undefined,
      close: async () => undefined,
    };
  }

  const log = logger.child({ component: 'membership' });
  const file = join(config.confDir, 'cluster.conf');
  let watcher: ClusterConfWatcher | undefined;
  let members: readonly MemberAddress[];
  let source: Membership['source'];
  try {
    if (existsSync(file)) {
      watcher = new ClusterConfWatcher({ path: file, logger: log });
      members = await watcher.start();
      source = 'cluster.conf';
    } else {
      const list = config.properties.get('nacos.member.list')?.trim() ?? '';
      if (list === '') {
        throw new MembershipStartError(
          `cluster mode needs ${file} or nacos.member.list (or start with -m standalone)`,
        );
      }
      const parsed = parseMemberList(list);
      if (!parsed.ok) throw parsed.error;
      members = parsed.members;
      source = 'nacos.member.list';
    }
    const ipAddress = config.properties.get('nacos.inetutils.ip-address');
    const { self } = identifySelf(members, { port: config.port, ...(ipAddress ? { ipAddress } : {}) });
    watcher?.setRequiredSelf(self.address);

    const table = new MemberTable({
      self,
      members,
      version: NACOS_API_VERSION,
      failAccessCnt: intProperty(config, 'nacos.core.member.fail-access-cnt', 3),
      // Other members' Raft views arrive in their own reports; this member adds its own.
      extendInfo: (member) =>
        member.isSelf ? { regVersion: config.version, ...selfExtendInfo() } : undefined,
      logger: log,
    });
    watcher?.on('change', ({ members: next }) => {
      table.update(next);
    });
    const reporter = new HealthReporter({
      table,
      reporter: new HttpMemberReporter({ contextPath: config.contextPath }),
      intervalMs: intProperty(config, 'reg.member.report.interval.ms', 2_000),
      logger: log,
    });
    reporter.start();

    const view: ClusterView = {
      self: () => table.toNacosJson(self.address),
      members: () => table.toNacosJsonList(),
      report: (body) => table.recordIncomingReport(body),
    };
    return {
      view,
      selfAddress: self.address,
      source,
      table,
      async close() {
        await reporter.stop();
        await watcher?.close();
      },
    };
  } catch (err) {
    await watcher?.close();
    if (isMembershipError(err) || err instanceof MembershipStartError) {
      throw new MembershipStartError(err.message, { cause: err });
    }
    throw err;
  }
}

function intProperty(config: RegistryConfig, key: string, fallback: number): number {
  const raw = config.properties.get(key);
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < 0) {
    throw new MembershipStartError(`${key}=${JSON.stringify(raw)}: expected a non-negative integer`);
  }
  return value;
}
