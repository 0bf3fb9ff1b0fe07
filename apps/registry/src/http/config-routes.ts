import { hasStorageCode } from '@reg/storage';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ConfigCenter } from '../config-center/config-center.js';
import type { PublishSpec } from '../config-center/config-commands.js';
import { MAX_DELETE_IDS } from '../config-center/config-commands.js';
import { checkDataIdAndGroup, checkTag, normalizeTenant } from '../config-center/config-names.js';
import { restResult } from '../config-center/config-views.js';
import { RegistryError } from '../errors.js';
import { configHistoryRoutes } from './config-history-routes.js';
import { configListenerRoutes } from './config-listener-routes.js';
import { ConfigParams, clientIp } from './config-params.js';
import { configQueryRoutes } from './config-query-routes.js';
import { namespaceRoutes } from './namespace-routes.js';
import { sendSpringError } from './spring-error.js';

/** Limits and timings of the config routes (from `application.properties`, see the README). */
export interface ConfigHttpSettings {
  /** Nacos `maxContent`: the largest content in UTF-8 bytes. */
  readonly maxContentBytes: number;
  /** Shortest hold of a long poll: Nacos holds at least 10 s whatever the client asks. */
  readonly minHoldMs: number;
  /** Longest hold, so a client asking for hours still gets an answer and re-polls. */
  readonly maxHoldMs: number;
}

/** The config types Nacos accepts; anything else is stored as `text`. */
const CONFIG_TYPES = new Set(['properties', 'xml', 'json', 'text', 'html', 'yaml', 'unset']);

const ADVANCE_LIMITS = { desc: 128, use: 32, effect: 32, type: 32, schema: 32768 } as const;

function invalid(message: string): RegistryError {
  return new RegistryError('REG_CONFIG_INVALID', message);
}

/**
 * The config center's HTTP face: `/v1/cs/configs` (+ `/listener`), `/v1/cs/history`,
 * `/v1/console/namespaces`. One plugin, so its error handler can answer a missing parameter with
 * Spring's JSON (as Nacos' config controllers do) and pass everything else to the server's.
 */
export function configCenterRoutes(center: ConfigCenter, settings: ConfigHttpSettings): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.setErrorHandler((error, request, reply) => {
      if (error instanceof RegistryError && error.code === 'REG_CONFIG_PARAM_MISSING') {
        return sendSpringError(request, reply, 400, error.message);
      }
      // Input only the store refuses (NUL, lone surrogates, lengths) is bad input, not a failure.
      if (hasStorageCode(error, 'STORAGE_INVALID_ARGUMENT')) {
        throw new RegistryError('REG_CONFIG_INVALID', (error as Error).message, { cause: error });
      }
      throw error;
    });
    // Held polls would keep `close()` waiting for their whole hold: answer them first.
    app.addHook('preClose', async () => center.hub.close());

    app.post('/v1/cs/configs', async (request, reply) => {
      const params = ConfigParams.of(request);
      if (params.optional('import') !== undefined || params.optional('clone') !== undefined) {
        return sendSpringError(request, reply, 501, 'config import and clone are not supported');
      }
      const spec = publishSpec(params, clientIp(request), settings);
      if (params.optional('tag') !== undefined || headerValue(request.headers.betaips) !== undefined) {
        // Tagged and beta content live in tables of their own that this server does not keep;
        // writing the plain config instead would change what every client reads.
        throw invalid('tag and beta publishing are not supported');
      }
      const outcome = await center.execute({ op: 'publish', config: spec });
      if (!outcome.ok) {
        throw new RegistryError('REG_CONFIG_CAS_MISMATCH', 'Cas publish fail, server md5 may have changed.');
      }
      return reply.type('application/json;charset=UTF-8').send('true');
    });

    app.delete('/v1/cs/configs', async (request, reply) => {
      const params = ConfigParams.of(request);
      const source = { srcUser: params.optional('src_user') ?? '', srcIp: clientIp(request) };
      if (params.optional('delType') === 'ids') {
        const ids = parseIds(params.required('ids'));
        await center.execute({ op: 'delete-ids', ids, source });
        return restResult(true);
      }
      const dataId = params.required('dataId');
      const group = params.required('group');
      const tenant = normalizeTenant(params.optional('tenant'));
      checkDataIdAndGroup(dataId, group);
      const tag = params.optional('tag');
      checkTag(tag);
      // No tagged content is ever stored, so deleting a tag removes nothing (and succeeds).
      if (tag === undefined) await center.execute({ op: 'delete', key: { dataId, group, tenant }, source });
      return reply.type('application/json;charset=UTF-8').send('true');
    });

    await app.register(configQueryRoutes(center));
    await app.register(configListenerRoutes(center, settings));
    await app.register(configHistoryRoutes(center));
    await app.register(namespaceRoutes(center));
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === '' ? undefined : v;
}

/** `ids=1,2,3`: Java `List<Long>` binding; anything else is a 400. */
function parseIds(raw: string): number[] {
  const parts = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0 || parts.length > MAX_DELETE_IDS) {
    throw invalid(`ids must name 1 to ${MAX_DELETE_IDS} configs`);
  }
  return parts.map((p) => {
    const n = /^\d{1,15}$/.test(p) ? Number(p) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 1) throw invalid(`invalid id : ${p}`);
    return n;
  });
}

/** Reads and checks a publish as Nacos' `publishConfig` + `ParamUtils` do. */
function publishSpec(params: ConfigParams, srcIp: string, settings: ConfigHttpSettings): PublishSpec {
  const dataId = params.required('dataId');
  const group = params.required('group');
  const content = params.raw('content');
  if (content === undefined) params.required('content');
  const tenant = normalizeTenant(params.optional('tenant'));
  checkDataIdAndGroup(dataId, group);
  checkTag(params.optional('tag'));
  if (content === undefined || content.trim() === '') throw invalid('content is blank : ');
  if (Buffer.byteLength(content, 'utf8') > settings.maxContentBytes) {
    throw invalid(`invalid content, over ${settings.maxContentBytes}`);
  }
  const requestedType = params.optional('type');
  const type = requestedType !== undefined && CONFIG_TYPES.has(requestedType) ? requestedType : 'text';
  const desc = params.optional('desc') ?? '';
  const use = params.optional('use') ?? '';
  const effect = params.optional('effect') ?? '';
  const schema = params.optional('schema') ?? '';
  for (const [field, value] of [
    ['desc', desc],
    ['use', use],
    ['effect', effect],
    ['schema', schema],
  ] as const) {
    if (value.length > ADVANCE_LIMITS[field])
      throw invalid(`too long ${field}, over ${ADVANCE_LIMITS[field]}`);
  }
  const tags = (params.optional('config_tags') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (tags.length > 5) throw invalid('too much config_tags, over 5');
  if (tags.some((t) => t.length > 64)) throw invalid('too long tag, over 64');
  const casMd5 = params.optional('casMd5');
  return {
    dataId,
    group,
    tenant,
    content,
    type,
    appName: params.optional('appName') ?? '',
    desc,
    tags,
    use,
    effect,
    schema,
    srcUser: params.optional('src_user') ?? '',
    srcIp,
    ...(casMd5 === undefined ? {} : { casMd5: casMd5.toLowerCase() }),
  };
}
