import { startConfigRegistry } from './registry-harness.js';
import { configRoutesSuite } from './suite-configs.js';
import { listenerRoutesSuite } from './suite-listeners.js';
import { namespaceRoutesSuite } from './suite-namespaces.js';

// The config center over embedded LevelDB storage: every write through the Raft log.
configRoutesSuite('LevelDB', () => startConfigRegistry());
listenerRoutesSuite('LevelDB', () => startConfigRegistry());
namespaceRoutesSuite('LevelDB', () => startConfigRegistry());
