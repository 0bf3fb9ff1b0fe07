import type { FastifyInstance } from 'fastify';
import type { ClusterView } from '../cluster/member.js';

/** Nacos' `RestResult` wrapper used by `/v1/core/*`. */
function restResult<T>(data: T) {
  return { code: 200, message: null, data };
}

/** `/v1/core/cluster/*`: the member list in Nacos' JSON shape. */
export async function coreClusterRoutes(
  app: FastifyInstance,
  options: { cluster: ClusterView },
): Promise<void> {
  const { cluster } = options;

  app.get('/v1/core/cluster/self', async () => restResult(cluster.self()));

  app.get<{ Querystring: { keyword?: string } }>('/v1/core/cluster/nodes', async (request) => {
    const keyword = request.query.keyword?.trim() ?? '';
    const members = cluster.members();
    const matched = keyword === '' ? members : members.filter((m) => m.address.startsWith(keyword));
    return restResult(matched);
  });

  app.get('/v1/core/cluster/simple/nodes', async () =>
    restResult(
      cluster
        .members()
        .filter((m) => m.state === 'UP' || m.state === 'SUSPICIOUS')
        .map((m) => m.address),
    ),
  );

  app.get('/v1/core/cluster/health', async () => restResult(cluster.self().state));

  // A peer's health report. Nacos answers "true"/"false" in the RestResult, and code 400
  // "Node information is illegal" for a body that is not a member.
  app.post('/v1/core/cluster/report', async (request) => {
    if (!cluster.report) return restResult('false');
    try {
      return restResult(String(cluster.report(request.body)));
    } catch {
      return { code: 400, message: 'Node information is illegal', data: null };
    }
  });
}
