export {
  type AddressParse,
  CLUSTER_PORT_OFFSET,
  clusterPortOf,
  DEFAULT_MEMBER_PORT,
  formatAddress,
  MAX_MEMBER_PORT,
  type MemberAddress,
  MIN_MEMBER_PORT,
  parseAddress,
} from './address.js';
export {
  type ClusterConfParse,
  MEMBER_LIST_PROPERTY,
  type ParseClusterConfOptions,
  parseClusterConf,
  parseMemberList,
} from './cluster-conf.js';
export {
  type ClusterConfChange,
  ClusterConfWatcher,
  type ClusterConfWatcherEvents,
  type ClusterConfWatcherOptions,
} from './cluster-conf-watcher.js';
export type { Unsubscribe } from './emitter.js';
export {
  isMembershipError,
  type LineIssue,
  MEMBERSHIP_ERROR_CODES,
  MembershipError,
  type MembershipErrorCode,
  type MembershipErrorOptions,
} from './errors.js';
export {
  HealthReporter,
  type HealthReporterOptions,
  isConnectionRefused,
  type MemberReporter,
} from './health-reporter.js';
export { HttpMemberReporter, type HttpMemberReporterOptions } from './http-member-reporter.js';
export { type Logger, noopLogger } from './logger.js';
export { isHealthy, type Member, MemberState } from './member.js';
export {
  type ExtendInfoHook,
  type NacosJsonOptions,
  type NacosMemberJson,
  toNacosJson,
} from './member-json.js';
export {
  MemberTable,
  type MemberTableEvents,
  type MemberTableOptions,
  type ReportOutcome,
  type StateChangeEvent,
} from './member-table.js';
export {
  firstNonLoopbackAddress,
  type IdentifySelfOptions,
  type InterfaceAddress,
  identifySelf,
  localAddresses,
  type NetworkInterfaces,
  type SelfIdentity,
} from './self.js';
export { systemTimers, type TimerHandle, type Timers } from './timers.js';
