/**
 * `@reg/distro/testing`: the seeded in-memory network, virtual-time scheduler, hand-driven
 * member view and cluster harness used by Distro's own tests, for the registry's tests too.
 */
export { SeededRandom, seedFromEnv } from './random.js';
export { SimCluster, type SimClusterOptions, type SimDistroOptions, type SimMember } from './sim-cluster.js';
export { SimMemberView } from './sim-member-view.js';
export {
  type LinkFaults,
  RELIABLE,
  type SimHandler,
  SimNetwork,
  type SimNetworkStats,
} from './sim-network.js';
export { SimScheduler } from './sim-scheduler.js';
