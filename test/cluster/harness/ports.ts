import { createServer } from 'node:net';

/** Listens once on `port` (0: any) on 127.0.0.1 and gives back the bound port; rejects when taken. */
function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

/** Whether `port` on 127.0.0.1 could be bound a moment ago. */
export async function isPortFree(port: number): Promise<boolean> {
  return listenOnce(port).then(
    () => true,
    () => false,
  );
}

/** Any port that was free a moment ago on 127.0.0.1. */
export const freePort = (): Promise<number> => listenOnce(0);

/**
 * `count` distinct HTTP ports whose peer ports (`port - 1000`, where the registry's cluster
 * transport listens) were free as well, and that do not collide with each other's peer ports.
 */
export async function freeMemberPorts(count: number): Promise<number[]> {
  const chosen: number[] = [];
  const taken = new Set<number>();
  for (let attempt = 0; attempt < 200 && chosen.length < count; attempt++) {
    const port = await freePort();
    if (port <= 2000 || taken.has(port) || taken.has(port - 1000)) continue;
    if (!(await isPortFree(port - 1000))) continue;
    chosen.push(port);
    taken.add(port).add(port - 1000);
  }
  if (chosen.length < count) throw new Error(`found only ${chosen.length} of ${count} free port pairs`);
  return chosen;
}
