import type { Scenario } from '../scenario.js';
import { configScenario } from './config.js';
import { distroScenario } from './distro.js';
import { failoverScenario } from './failover.js';
import { namingScenario } from './naming.js';
import { raftCluster } from './raft-cluster.js';
import { raftInproc } from './raft-inproc.js';

export const SCENARIOS: readonly Scenario[] = [
  raftInproc,
  raftCluster,
  namingScenario,
  configScenario,
  distroScenario,
  failoverScenario,
];
