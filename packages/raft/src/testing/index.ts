// @reg/raft/testing: tools for testing Raft and what is built on it.

export type { KvCommand, KvResult } from './kv.js';
export { decodeKvCommand, encodeKvCommand, KvStateMachine } from './kv.js';
export * from './linearizability/index.js';
export type {
  LogStorageFactory,
  LogStorageHarness,
  LogStorageSuiteOptions,
  SuiteExpect,
  SuiteTestApi,
} from './log-storage-suite.js';
export { runLogStorageSuite } from './log-storage-suite.js';
export { SafetyChecker, SafetyViolation } from './safety-checker.js';
export type { SimFaults, SimNode, SimStateMachine, SimulationOptions } from './simulator.js';
export { Simulation } from './simulator.js';
export type { SweepOptions, SweepResult } from './sweep.js';
export { randomConfChange, runSweepSeed, SWEEP_FAULTS } from './sweep.js';
