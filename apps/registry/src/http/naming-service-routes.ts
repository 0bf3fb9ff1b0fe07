import type { FastifyInstance, FastifyReply } from 'fastify';
import { RegistryError } from '../errors.js';
import { parseMetadata } from '../naming/instance.js';
import type { Selector, StoredService } from '../naming/model.js';
import { DEFAULT_GROUP, parseServiceKeyString, type ServiceKey } from '../naming/names.js';
import type { NamingCore } from '../naming/naming-core.js';
import { NamingParams } from './naming-params.js';
import { type NamingRouteOptions, OK_TEXT } from './naming-routes.js';

/** `/v1/ns/service*`: create, delete, update, detail, list, names, subscribers. */
export async function serviceRoutes(app: FastifyInstance, options: NamingRouteOptions): Promise<void> {
  const { core, push } = options;
  const text = (reply: FastifyReply, body: string) => reply.type('text/plain;charset=UTF-8').send(body);

  app.post('/v1/ns/service', async (request, reply) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    const protectThreshold = threshold(p);
    const metadata = parseMetadata(p.optional('metadata'));
    const selector = parseSelector(p.optional('selector'));
    if (core.service(key)) {
      throw new RegistryError(
        'REG_NAMING_INVALID',
        `specified service already exists, serviceName : ${key.grouped}`,
      );
    }
    await core.submit({
      t: 'service.create',
      ns: key.namespaceId,
      grouped: key.grouped,
      protectThreshold,
      metadata,
      selector,
    });
    return text(reply, OK_TEXT);
  });

  app.delete('/v1/ns/service', async (request, reply) => {
    const p = new NamingParams(request);
    await core.deleteService(p.serviceKey());
    return text(reply, OK_TEXT);
  });

  app.put('/v1/ns/service', async (request, reply) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    p.required('protectThreshold');
    const protectThreshold = threshold(p);
    const metadata = parseMetadata(p.optional('metadata'));
    const rawSelector = p.optional('selector');
    const selector = rawSelector === undefined ? undefined : parseSelector(rawSelector);
    const current = core.service(key);
    if (!current) throw new RegistryError('REG_NAMING_INVALID', `service ${key.grouped} not found!`);
    const ref = { ns: key.namespaceId, grouped: key.grouped };
    if (core.cp.service(`${key.namespaceId}##${key.grouped}`)) {
      await core.submit({
        ...ref,
        t: 'service.update',
        protectThreshold,
        metadata,
        ...(selector && { selector }),
      });
    } else {
      // Known only by its ephemeral instances: settings make it a stored service.
      await core.submit({
        ...ref,
        t: 'service.create',
        protectThreshold,
        metadata,
        selector: selector ?? current.selector,
      });
    }
    return text(reply, OK_TEXT);
  });

  app.get('/v1/ns/service', async (request) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    const service = core.service(key);
    if (!service) throw new RegistryError('REG_NAMING_NOT_FOUND', `service ${key.grouped} is not found!`);
    return {
      name: key.serviceName,
      groupName: key.groupName,
      namespaceId: key.namespaceId,
      protectThreshold: service.protectThreshold,
      metadata: service.metadata,
      selector: service.selector,
      clusters: core
        .clusters(key)
        .map((c) => ({ name: c.name, healthChecker: c.healthChecker, metadata: c.metadata })),
    };
  });

  app.get('/v1/ns/service/list', async (request) => {
    const p = new NamingParams(request);
    // Nacos turns garbage paging into 0 instead of refusing it.
    const pageNo = lenientInt(p.required('pageNo'));
    const pageSize = lenientInt(p.required('pageSize'));
    const namespaceId = p.namespaceId();
    const group = p.optional('groupName') ?? DEFAULT_GROUP;
    const matches = metadataFilter(core, p.optional('selector'));
    const names: string[] = [];
    for (const key of servicesOf(core, namespaceId)) {
      if (!matches(key)) continue;
      if (group === '*') names.push(key.grouped);
      else if (key.groupName === group) names.push(key.serviceName);
    }
    if (names.length === 0) return { doms: [], count: 0 };
    names.sort();
    const start = Math.max(0, (pageNo - 1) * pageSize);
    const end = Math.min(names.length, start + Math.max(0, pageSize));
    return { count: names.length, doms: start < end ? names.slice(start, end) : [] };
  });

  app.get('/v1/ns/service/names', async (request) => {
    const p = new NamingParams(request);
    const only = p.optional('namespaceId');
    const expr = p.optional('expr') ?? '';
    const services: Record<string, string[]> = {};
    for (const id of core.serviceIds()) {
      const key = parseServiceKeyString(id);
      if (!key || (only !== undefined && key.namespaceId !== only) || !key.grouped.includes(expr)) continue;
      const list = services[key.namespaceId] ?? [];
      list.push(key.grouped);
      services[key.namespaceId] = list;
    }
    for (const list of Object.values(services)) list.sort();
    return { services, count: Object.keys(services).length };
  });

  app.get('/v1/ns/service/subscribers', async (request) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    const pageNo = Math.max(1, p.params.int('pageNo', 1));
    const pageSize = Math.max(1, p.params.int('pageSize', 1000));
    const all = push.subscribers(`${key.namespaceId}##${key.grouped}`).map((s) => ({
      addrStr: `${s.ip}:${s.port}`,
      agent: s.agentText,
      app: s.app,
      ip: s.ip,
      namespaceId: s.namespaceId,
      serviceName: s.groupedName,
    }));
    return { subscribers: all.slice((pageNo - 1) * pageSize, pageNo * pageSize), count: all.length };
  });
}

/** The services of one namespace. */
export function servicesOf(core: NamingCore, namespaceId: string): ServiceKey[] {
  const out: ServiceKey[] = [];
  for (const id of core.serviceIds()) {
    const key = parseServiceKeyString(id);
    if (key && key.namespaceId === namespaceId) out.push(key);
  }
  return out.sort((a, b) => (a.grouped < b.grouped ? -1 : a.grouped > b.grouped ? 1 : 0));
}

/**
 * `service/list`'s label selector: `{"type":"label","expression":"INSTANCE.metadata.k = 'v'"}` keeps
 * services with an instance whose metadata has k = v; `SERVICE.metadata.k = 'v'` looks at the
 * service's own metadata. No selector (or type none) keeps everything.
 */
function metadataFilter(core: NamingCore, raw: string | undefined): (key: ServiceKey) => boolean {
  const selector = parseSelector(raw);
  if (selector.type === 'none') return () => true;
  const m = /^\s*(INSTANCE|SERVICE)\.metadata\.([^\s=]+)\s*=\s*'?([^']*)'?\s*$/.exec(selector.expression);
  if (!m)
    throw new RegistryError('REG_NAMING_INVALID', `unsupported selector expression: ${selector.expression}`);
  const [, scope, name = '', value] = m;
  return (key) =>
    scope === 'SERVICE'
      ? core.service(key)?.metadata[name] === value
      : core.instances(key).some((i) => i.metadata[name] === value);
}

/** Service JSON of the catalog and detail endpoints. */
export function serviceSummary(key: ServiceKey, service: StoredService) {
  return {
    name: key.serviceName,
    protectThreshold: service.protectThreshold,
    groupName: key.groupName,
    selector: service.selector,
    metadata: service.metadata,
  };
}

function threshold(p: NamingParams): number {
  const value = p.params.double('protectThreshold', 0);
  if (value < 0 || value > 1) {
    throw new RegistryError('REG_NAMING_INVALID', `protectThreshold must be in [0, 1], current: ${value}`);
  }
  return value;
}

/** `NumberUtils.toInt`: anything unparsable is 0. */
function lenientInt(value: string): number {
  return /^[+-]?\d{1,9}$/.test(value) ? Number(value) : 0;
}

/** The `selector` parameter: `{"type":"none"}` or `{"type":"label","expression":"..."}`. */
export function parseSelector(raw: string | undefined): Selector {
  if (raw === undefined) return { type: 'none' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.includes('%') ? decodeURIComponent(raw) : raw);
  } catch {
    throw new RegistryError('REG_NAMING_INVALID', 'not match any type of selector!');
  }
  const s = parsed as { type?: unknown; expression?: unknown } | null;
  if (s?.type === 'none') return { type: 'none' };
  if (s?.type === 'label' && typeof s.expression === 'string' && s.expression.length <= 4096) {
    return { type: 'label', expression: s.expression };
  }
  throw new RegistryError('REG_NAMING_INVALID', 'not match any type of selector!');
}
