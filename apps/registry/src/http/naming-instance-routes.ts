import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RegistryError } from '../errors.js';
import { wantsGroupedNames } from '../naming/client-agent.js';
import {
  checkWeight,
  DEFAULT_BEAT_INTERVAL_MS,
  metadataMillis,
  PRESERVED,
  parseMetadata,
} from '../naming/instance.js';
import { buildInstanceList } from '../naming/instance-list.js';
import type { InstancePatch } from '../naming/instance-ops.js';
import { DEFAULT_NAMESPACE, serviceKeyOf, serviceKeyString } from '../naming/names.js';
import { canPush } from '../naming/push-packet.js';
import { parseBeat } from './naming-beat.js';
import { NamingParams } from './naming-params.js';
import { type NamingRouteOptions, OK_TEXT } from './naming-routes.js';

/** `/v1/ns/instance*`: register, deregister, update, patch, detail, list, beat, statuses, metadata batch. */
export async function instanceRoutes(app: FastifyInstance, options: NamingRouteOptions): Promise<void> {
  const { core, push, settings } = options;

  const text = (reply: FastifyReply, body: string) => reply.type('text/plain;charset=UTF-8').send(body);

  app.post('/v1/ns/instance', async (request, reply) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    await core.register(key, p.instance(key, core.switches.defaultInstanceEphemeral, core.now()));
    return text(reply, OK_TEXT);
  });

  app.delete('/v1/ns/instance', async (request, reply) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    const at = p.address();
    const ephemeral = p.bool('ephemeral', core.switches.defaultInstanceEphemeral);
    // Nacos answers ok for an unknown service or instance too. Removals never trust this member's
    // replica (it may lag): ephemeral ones go to the responsible member, persistent ones to the log.
    await core.deregister(key, at, ephemeral);
    return text(reply, OK_TEXT);
  });

  app.put('/v1/ns/instance', async (request, reply) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    const instance = p.instance(key, core.switches.defaultInstanceEphemeral, core.now());
    // Java clients from 1.0.0 (and the Node SDK) update; other callers (curl, seed 003) register.
    if (!wantsGroupedNames(p.agent)) {
      await core.register(key, instance);
      return text(reply, OK_TEXT);
    }
    if (!core.service(key)) {
      throw new RegistryError(
        'REG_NAMING_INVALID',
        `service not found, namespace: ${key.namespaceId}, service: ${key.grouped}`,
      );
    }
    const found = core.find(key, instance);
    if (!found || found.ephemeral !== instance.ephemeral) {
      throw new RegistryError('REG_NAMING_INVALID', `instance not exist: ${JSON.stringify(instance)}`);
    }
    await core.update(key, instance);
    return text(reply, OK_TEXT);
  });

  app.patch('/v1/ns/instance', async (request, reply) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    const at = p.address();
    const patch: { -readonly [K in keyof InstancePatch]: InstancePatch[K] } = {};
    const metadata = p.optional('metadata');
    if (metadata !== undefined) patch.metadata = parseMetadata(metadata);
    const appName = p.optional('app');
    if (appName !== undefined) patch.app = appName;
    if (p.optional('weight') !== undefined) patch.weight = checkWeight(p.params.double('weight', 1));
    if (p.optional('healthy') !== undefined) patch.healthy = p.bool('healthy', true);
    if (p.optional('enabled') !== undefined) patch.enabled = p.bool('enabled', true);
    await core.patch(key, at, patch);
    return text(reply, OK_TEXT);
  });

  app.get('/v1/ns/instance', async (request) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    const ip = p.ip();
    const port = p.port();
    const clusterName = p.clusterName();
    if (!core.service(key))
      throw new RegistryError('REG_NAMING_NOT_FOUND', `no service ${key.grouped} found!`);
    const instances = core.instances(key);
    if (!instances.some((i) => i.clusterName === clusterName)) {
      throw new RegistryError(
        'REG_NAMING_NOT_FOUND',
        `no ips found for cluster ${clusterName} in service ${key.grouped}`,
      );
    }
    const found = core.find(key, { ip, port, clusterName });
    if (!found) throw new RegistryError('REG_NAMING_NOT_FOUND', 'no matched ip found!');
    return {
      service: key.grouped,
      ip: found.ip,
      port: found.port,
      clusterName: found.clusterName,
      weight: found.weight,
      healthy: found.healthy,
      instanceId: found.instanceId,
      metadata: found.metadata,
    };
  });

  app.get('/v1/ns/instance/list', async (request) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    const clusters = p.optional('clusters') ?? '';
    const udpPort = p.params.int('udpPort', 0);
    const env = p.optional('env') ?? '';
    const switches = core.switches;
    let cacheMillis = switches.defaultCacheMillis;
    if (udpPort > 0 && udpPort <= 65535 && switches.pushEnabled && canPush(p.agent, switches)) {
      push.subscribe({
        serviceKey: serviceKeyString(key),
        namespaceId: key.namespaceId,
        groupedName: key.grouped,
        clusters,
        agent: p.agent,
        agentText: p.userAgent,
        app: p.optional('app') ?? '',
        env,
        ip: pushTarget(request, p, settings.pushTarget),
        port: udpPort,
      });
      cacheMillis = switches.defaultPushCacheMillis;
    }
    return buildInstanceList(core.service(key), core.instances(key), {
      groupedName: key.grouped,
      clusters,
      healthyOnly: p.optional('healthyOnly')?.toLowerCase() === 'true',
      env,
      cacheMillis,
      agent: p.agent,
      now: core.now(),
    });
  });

  app.put('/v1/ns/instance/beat', async (request, reply) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    const beat = parseBeat(p, key, core.now());
    const interval = core.switches.clientBeatInterval;
    const found = await core.beat(key, beat.at, beat.register);
    reply.type('application/json;charset=UTF-8');
    if (!found) return { clientBeatInterval: interval, code: 20404 };
    if (!core.service(key)) {
      throw new RegistryError(
        'REG_NAMING_SERVER_ERROR',
        `service not found: ${key.grouped}@${key.namespaceId}`,
      );
    }
    return {
      clientBeatInterval: metadataMillis(
        found.metadata,
        PRESERVED.heartBeatInterval,
        interval || DEFAULT_BEAT_INTERVAL_MS,
      ),
      code: 10200,
      lightBeatEnabled: core.switches.lightBeatEnabled,
    };
  });

  app.get('/v1/ns/instance/statuses', async (request) => {
    const p = new NamingParams(request);
    const raw = p.required('key');
    const at = raw.indexOf('##');
    const key = serviceKeyOf(
      at === -1 ? DEFAULT_NAMESPACE : raw.slice(0, at),
      at === -1 ? raw : raw.slice(at + 2),
    );
    if (!core.service(key))
      throw new RegistryError('REG_NAMING_NOT_FOUND', `service: ${key.grouped} not found.`);
    return { ips: core.instances(key).map((i) => `${i.ip}:${i.port}_${i.healthy}`) };
  });

  const metadataBatch = (mode: 'put' | 'remove') => async (request: FastifyRequest) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    const metadata = parseMetadata(p.required('metadata'));
    const consistency = p.optional('consistencyType') ?? '';
    if (consistency !== '' && consistency !== 'ephemeral' && consistency !== 'persist') {
      throw new RegistryError('REG_NAMING_INVALID', `illegal consistencyType: ${consistency}`);
    }
    const targets = parseTargets(p.optional('instances'));
    const updated = await core.metadataBatch(key, mode, metadata, consistency, targets);
    return {
      updated: updated.map(
        (i) => `${i.ip}:${i.port}:unknown:${i.clusterName}:${i.ephemeral ? 'ephemeral' : 'persist'}`,
      ),
    };
  };
  app.put('/v1/ns/instance/metadata/batch', metadataBatch('put'));
  app.delete('/v1/ns/instance/metadata/batch', metadataBatch('remove'));
}

/** Where pushes for a list request go (see `reg.naming.push.target`). */
function pushTarget(request: FastifyRequest, p: NamingParams, mode: 'remote' | 'clientIP'): string {
  const remote = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  if (mode === 'clientIP') return p.optional('clientIP') ?? remote;
  return remote;
}

/** The `instances` JSON array of a metadata batch: `[{ip, port, clusterName?, ephemeral?}]`. */
function parseTargets(raw: string | undefined) {
  if (raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new RegistryError('REG_NAMING_INVALID', `instances format incorrect: ${raw}`);
  }
  if (!Array.isArray(parsed) || parsed.length > 10_000) {
    throw new RegistryError('REG_NAMING_INVALID', `instances format incorrect: ${raw}`);
  }
  return parsed.map((t: unknown) => {
    const o = (t ?? {}) as { ip?: unknown; port?: unknown; clusterName?: unknown; ephemeral?: unknown };
    if (typeof o.ip !== 'string' || !Number.isInteger(Number(o.port))) {
      throw new RegistryError('REG_NAMING_INVALID', `instances format incorrect: ${raw}`);
    }
    return {
      ip: o.ip,
      port: Number(o.port),
      clusterName: typeof o.clusterName === 'string' && o.clusterName !== '' ? o.clusterName : 'DEFAULT',
      ...(typeof o.ephemeral === 'boolean' && { ephemeral: o.ephemeral }),
    };
  });
}
