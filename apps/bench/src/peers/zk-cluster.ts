import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchError } from '../errors.js';
import { zkMode } from '../loadgen/zk-client.js';
import { freePorts, waitFor } from '../net-util.js';
import { killChild, removeFolder, startChild, stopChild, trackFolder } from '../processes.js';
import type { PutCluster } from './put-cluster.js';
import { requireCommand, requireFile } from './which.js';

const JAVA = process.env.JAVA ?? 'java';
const CLASSPATH = process.env.ZK_CLASSPATH ?? '/usr/share/java/zookeeper.jar';
const HEAP = process.env.ZK_HEAP ?? '1g';

/**
 * A 3-server ZooKeeper ensemble on loopback, configured as `/work/shared/peers/zk-cluster.sh`
 * does: fresh folders, forceSync on (the default: every txn-log write is fsynced), AdminServer
 * and JMX off, `srvr` allowed.
 */
export async function startZkCluster(size = 3): Promise<PutCluster> {
  requireCommand(JAVA, ['-version'], 'apt-get install zookeeper');
  requireFile(CLASSPATH, 'apt-get install zookeeper');
  const dir = trackFolder(mkdtempSync(join(tmpdir(), 'reg-bench-zk-')));
  const ports = await freePorts(size * 3);
  const clientPort = (i: number) => ports[i * 3]!;
  const servers = Array.from(
    { length: size },
    (_, i) => `server.${i + 1}=127.0.0.1:${ports[i * 3 + 1]}:${ports[i * 3 + 2]}`,
  );
  const members = Array.from({ length: size }, (_, i) => {
    const home = join(dir, `zk${i + 1}`);
    mkdirSync(join(home, 'data'), { recursive: true });
    mkdirSync(join(home, 'datalog'), { recursive: true });
    writeFileSync(join(home, 'data', 'myid'), `${i + 1}\n`);
    const cfg = [
      'tickTime=2000',
      'initLimit=10',
      'syncLimit=5',
      `dataDir=${join(home, 'data')}`,
      `dataLogDir=${join(home, 'datalog')}`,
      `clientPort=${clientPort(i)}`,
      'clientPortAddress=127.0.0.1',
      'maxClientCnxns=0',
      'admin.enableServer=false',
      '4lw.commands.whitelist=srvr,ruok,mntr,stat',
      'autopurge.purgeInterval=0',
      'quorumListenOnAllIPs=false',
      ...servers,
    ];
    writeFileSync(join(home, 'zoo.cfg'), `${cfg.join('\n')}\n`);
    return startChild(
      `zookeeper ${i + 1}`,
      JAVA,
      [
        `-Xms${HEAP}`,
        `-Xmx${HEAP}`,
        '-XX:+UseG1GC',
        '-Dzookeeper.jmx.log4j.disable=true',
        '-Dzookeeper.admin.enableServer=false',
        '-cp',
        `${home}:${CLASSPATH}`,
        'org.apache.zookeeper.server.quorum.QuorumPeerMain',
        join(home, 'zoo.cfg'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  });
  const endpoints = members.map((_, i) => `127.0.0.1:${clientPort(i)}`);
  const modes = () => Promise.all(endpoints.map((ep) => zkMode('127.0.0.1', Number(ep.split(':')[1]))));
  const leaderEndpoint = () =>
    waitFor(
      'zookeeper leader',
      async () => {
        const m = await modes();
        const i = m.indexOf('leader');
        return i >= 0 ? endpoints[i] : undefined;
      },
      30_000,
      200,
    );
  const stop = async () => {
    await Promise.all(members.map((m) => stopChild(m, 5_000)));
    removeFolder(dir);
  };
  try {
    await waitFor(
      'zookeeper ensemble',
      async () => ((await modes()).every((m) => m === 'leader' || m === 'follower') ? true : undefined),
      30_000,
      200,
    );
  } catch (err) {
    const logs = members.map((m) => `${m.name}: ${m.output().slice(-500)}`).join('\n');
    await Promise.all(members.map(killChild));
    removeFolder(dir);
    throw new BenchError('BENCH_START_FAILED', `zookeeper did not come up\n${logs}`, { cause: err });
  }
  return { kind: 'zookeeper', endpoints, pids: members.map((m) => m.pid), leaderEndpoint, stop };
}
