// A Wing-Gong / Lowe linearizability checker with per-partition search, in the manner of
// porcupine. Pure TypeScript, no I/O: it runs inside the simulator as well as over histories
// recorded from real clusters.

export { checkLinearizability } from './checker.js';
export { describeOperation } from './explain.js';
export { eventsToOperations } from './history.js';
export type { CasRegisterInput, CasRegisterOptions, CasRegisterOutput } from './models/cas-register.js';
export { casRegisterModel } from './models/cas-register.js';
export { hashString, partitionBy } from './models/helpers.js';
export type { KvModelInput, KvModelOutput, KvModelState } from './models/kv.js';
export { kvModel } from './models/kv.js';
export type { SetModelInput, SetModelOutput, SetModelState } from './models/set.js';
export { setModel } from './models/set.js';
export type {
  CallEvent,
  CheckIllegal,
  CheckOk,
  CheckOptions,
  CheckResult,
  CheckSummary,
  CheckUnknown,
  History,
  HistoryEvent,
  IllegalPartition,
  Model,
  Operation,
  ReportedOperation,
  ReturnEvent,
} from './types.js';
