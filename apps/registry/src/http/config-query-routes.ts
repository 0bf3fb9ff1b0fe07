import { type ConfigRecord, MAX_PAGE_SIZE } from '@reg/storage';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ConfigCenter, ReadOptions } from '../config-center/config-center.js';
import { checkDataIdAndGroup, checkTag, normalizeTenant } from '../config-center/config-names.js';
import { configAllInfo, configInfo, mapPage, restResult } from '../config-center/config-views.js';
import { RegistryError } from '../errors.js';
import { ConfigParams } from './config-params.js';
import { sendSpringError } from './spring-error.js';

/** Nacos' Content-Type per config type; everything else is plain text. */
const CONTENT_TYPES: Record<string, string> = {
  json: 'application/json;charset=UTF-8',
  xml: 'application/xml;charset=UTF-8',
  html: 'text/html;charset=UTF-8',
};

/**
 * `?consistency=stale` opts into a read of this member's store without the read barrier: faster,
 * but possibly missing a write acknowledged elsewhere a moment ago. Default: linearizable.
 */
export function readOptions(params: ConfigParams): ReadOptions {
  const consistency = params.optional('consistency');
  if (consistency === undefined || consistency === 'linearizable') return {};
  if (consistency === 'stale') return { stale: true };
  throw new RegistryError('REG_CONFIG_INVALID', 'consistency must be linearizable or stale');
}

/** `GET /v1/cs/configs` and the variants Nacos selects by parameter (`show=all`, `search=`, `beta=true`). */
export function configQueryRoutes(center: ConfigCenter): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.get('/v1/cs/configs', async (request, reply) => {
      const params = ConfigParams.of(request);
      const options = readOptions(params);
      const search = params.optional('search');
      if (search !== undefined) return searchConfigs(center, params, search, options);
      if (params.optional('export') !== undefined) {
        return sendSpringError(request, reply, 501, 'config export is not supported');
      }
      const dataId = params.required('dataId');
      const group = params.required('group');
      const tenant = normalizeTenant(params.optional('tenant'));
      if (params.optional('beta') === 'true') return restResult(null, 'query beta ok');
      checkDataIdAndGroup(dataId, group);
      const tag = params.optional('tag');
      checkTag(tag);
      const key = { dataId, group, tenant };
      const config = tag === undefined ? await center.read((s) => s.configs.get(key), options) : undefined;
      if (params.optional('show') === 'all') {
        // Nacos answers a missing config here with an empty 200.
        return config === undefined ? reply.send('') : configAllInfo(config);
      }
      // Tagged content is never stored, so a tagged read finds nothing, as in Nacos without one.
      if (config === undefined) return notFound(reply);
      return sendContent(reply, config);
    });
  };
}

function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain;charset=UTF-8').headers(NO_CACHE).send('config data not exist\n');
}

const NO_CACHE = {
  Pragma: 'no-cache',
  Expires: 'Thu, 01 Jan 1970 00:00:00 GMT',
  'Cache-Control': 'no-cache,no-store',
};

function sendContent(reply: FastifyReply, config: ConfigRecord): FastifyReply {
  const type = config.type === '' ? 'text' : config.type;
  return reply
    .code(200)
    .headers({
      ...NO_CACHE,
      'Content-MD5': config.md5,
      'Config-Type': type,
      'Last-Modified': new Date(config.modifiedTime).toUTCString(),
    })
    .type(CONTENT_TYPES[type] ?? 'text/plain;charset=UTF-8')
    .send(config.content);
}

/** `search=accurate|blur` (`blurry` accepted too): the console's config list. */
async function searchConfigs(
  center: ConfigCenter,
  params: ConfigParams,
  search: string,
  options: ReadOptions,
) {
  const mode =
    search === 'accurate' ? 'accurate' : search === 'blur' || search === 'blurry' ? 'blur' : undefined;
  if (mode === undefined) throw new RegistryError('REG_CONFIG_INVALID', 'search must be accurate or blur');
  const dataId = params.required('dataId');
  const group = params.required('group');
  const pageNo = params.requiredInt('pageNo');
  const pageSize = params.requiredInt('pageSize');
  if (pageNo < 1 || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new RegistryError(
      'REG_CONFIG_INVALID',
      `pageNo must be at least 1 and pageSize between 1 and ${MAX_PAGE_SIZE}`,
    );
  }
  const tenant = normalizeTenant(params.optional('tenant'));
  const tags = (params.optional('config_tags') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const query = { tenant, mode, dataId, group, appName: params.optional('appName') ?? '', tags } as const;
  const page = await center.read((s) => s.configs.search(query, { pageNo, pageSize }), options);
  return mapPage(page, configInfo);
}
