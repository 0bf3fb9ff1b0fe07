import { cpus, freemem, loadavg, totalmem } from 'node:os';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RegistryError } from '../errors.js';
import { parseMetadata } from '../naming/instance.js';
import type { HealthChecker } from '../naming/model.js';
import { serviceKeyString } from '../naming/names.js';
import { isHealthChecker, isMetadata } from '../naming/record-guards.js';
import { parseSwitchUpdate, switchesJson } from '../naming/switches.js';
import { NamingParams } from './naming-params.js';
import { type NamingRouteOptions, OK_TEXT } from './naming-routes.js';

/** `/v1/ns/operator/*`, `/v1/ns/health*`, `/v1/ns/cluster` and the retired `/v1/ns/raft/*`. */
export async function operatorRoutes(app: FastifyInstance, options: NamingRouteOptions): Promise<void> {
  const { core, push, consensus, config } = options;
  const text = (reply: FastifyReply, body: string) => reply.type('text/plain;charset=UTF-8').send(body);

  for (const prefix of ['/v1/ns/operator', '/v1/ns/ops']) {
    app.get(`${prefix}/switches`, async () => switchesJson(core.switches));
    app.put(`${prefix}/switches`, async (request, reply) => {
      const p = new NamingParams(request);
      const entry = p.required('entry');
      const value = p.required('value');
      parseSwitchUpdate(entry, value); // refuse bad input before it reaches the log
      await core.submit({ t: 'switch', entry, value });
      return text(reply, OK_TEXT);
    });
  }

  app.get('/v1/ns/operator/metrics', async () => {
    const counts = core.counts();
    return {
      // Nacos reports UP only when both the ephemeral and the persistent layer can serve.
      status: consensus.hasLeader() && core.ephemeral.ready ? 'UP' : 'DOWN',
      serviceCount: counts.services,
      instanceCount: counts.instances,
      raftNotifyTaskCount: 0,
      responsibleServiceCount: counts.responsibleServices,
      responsibleInstanceCount: counts.responsibleInstances,
      cpu: Math.min(1, (loadavg()[0] ?? 0) / Math.max(1, cpus().length)),
      load: loadavg()[0] ?? 0,
      mem: 1 - freemem() / totalmem(),
    };
  });

  app.get('/v1/ns/operator/servers', async (request) => {
    const p = new NamingParams(request);
    const res = await app.inject({ method: 'GET', url: `${config.contextPath}/v1/core/cluster/nodes` });
    const members = ((res.json() as { data?: { state?: string }[] }).data ?? []) as { state?: string }[];
    const healthyOnly = p.optional('healthy') === 'true';
    return { servers: healthyOnly ? members.filter((m) => m.state === 'UP') : members };
  });

  app.get('/v1/ns/operator/distro/server', async (request) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    return { responsibleServer: core.ephemeral.responsibleFor(serviceKeyString(key)) };
  });

  app.get('/v1/ns/operator/push/state', async (request) => {
    const p = new NamingParams(request);
    const m = core.metrics;
    const total = m.pushAcked + m.pushFailed;
    const body: Record<string, unknown> = {
      succeed: m.pushAcked,
      total,
      ratio: total === 0 ? 0 : m.pushAcked / total,
      reset: false,
    };
    if (p.bool('detail', false)) body.data = push.subscribers().map((s) => `${s.ip}:${s.port}`);
    if (p.bool('reset', false)) {
      m.pushAcked = 0;
      m.pushFailed = 0;
      body.reset = true;
    }
    return body;
  });

  app.get('/v1/ns/health/server', async () => ({
    msg: `Hello! I am Nacos-Naming and healthy! total services: raft ${[...core.cp.serviceKeys()].length}, local port:${config.port}`,
  }));

  const setHealth = async (request: FastifyRequest, reply: FastifyReply) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    const at = p.address();
    const raw = p.optional('healthy') ?? p.optional('valid');
    if (raw === undefined) throw new RegistryError('REG_PARAM_MISSING', "Param 'healthy' is required.");
    const healthy = raw.toLowerCase() === 'true';
    const cluster = core.service(key)?.clusters[at.clusterName];
    if (!core.service(key) || cluster?.healthChecker.type !== 'NONE') {
      throw new RegistryError('REG_NAMING_INVALID', `health check is still working, service: ${key.grouped}`);
    }
    await core.setHealth(key, at, healthy, false);
    return text(reply, OK_TEXT);
  };
  app.put('/v1/ns/health', setHealth);
  app.put('/v1/ns/health/instance', setHealth);

  app.get('/v1/ns/health/checkers', async () => ({
    TCP: { type: 'TCP' },
    HTTP: { type: 'HTTP', path: '', headers: '', expectedResponseCode: 200 },
    MYSQL: { type: 'MYSQL', user: '', pwd: '', cmd: '' },
    NONE: { type: 'NONE' },
  }));

  app.put('/v1/ns/cluster', async (request, reply) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    const clusterName = p.clusterName();
    const checkPort = p.params.int('checkPort', 0);
    p.required('checkPort');
    if (checkPort < 0 || checkPort > 65535)
      throw new RegistryError('REG_NAMING_INVALID', `illegal checkPort: ${checkPort}`);
    const useInstancePort4Check = p.bool('useInstancePort4Check', true);
    p.required('useInstancePort4Check');
    const healthChecker = parseHealthChecker(p.required('healthChecker'));
    const metadata = parseMetadata(p.optional('metadata'));
    if (!isMetadata(metadata)) throw new RegistryError('REG_NAMING_INVALID', 'metadata is too large');
    const service = core.service(key);
    if (!service) throw new RegistryError('REG_NAMING_INVALID', `service not found:${key.grouped}`);
    const ref = { ns: key.namespaceId, grouped: key.grouped };
    if (!core.cp.service(serviceKeyString(key))) {
      await core.submit({
        ...ref,
        t: 'service.create',
        protectThreshold: 0,
        metadata: {},
        selector: { type: 'none' },
      });
    }
    await core.submit({
      ...ref,
      t: 'cluster',
      cluster: { name: clusterName, healthChecker, checkPort, useInstancePort4Check, metadata },
    });
    return text(reply, OK_TEXT);
  });

  // Nacos 1.4 moved persistent naming data to JRaft; the legacy Raft API answers this.
  const retired = async () => {
    throw new Error('old raft protocol already stop');
  };
  app.get('/v1/ns/raft/leader', retired);
  app.get('/v1/ns/raft/state', retired);
}

/** The cluster's `healthChecker` JSON: TCP, HTTP (path, `k=v|k2=v2` headers, expected code), MYSQL, NONE. */
export function parseHealthChecker(raw: string): HealthChecker {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    throw new RegistryError('REG_NAMING_INVALID', `healthChecker format incorrect: ${raw}`);
  }
  const type = typeof parsed?.type === 'string' ? parsed.type.toUpperCase() : '';
  const checker =
    type === 'HTTP'
      ? {
          type,
          path: typeof parsed.path === 'string' ? parsed.path : '',
          headers: typeof parsed.headers === 'string' ? parsed.headers : '',
          expectedResponseCode: Number(parsed.expectedResponseCode ?? 200),
        }
      : type === 'MYSQL'
        ? {
            type,
            user: String(parsed.user ?? ''),
            pwd: String(parsed.pwd ?? ''),
            cmd: String(parsed.cmd ?? ''),
          }
        : { type };
  if (!isHealthChecker(checker)) {
    throw new RegistryError('REG_NAMING_INVALID', `healthChecker format incorrect: ${raw}`);
  }
  return checker;
}
