import type { HistoryRecord } from '@reg/storage';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ConfigCenter } from '../config-center/config-center.js';
import { checkDataIdAndGroup, normalizeTenant } from '../config-center/config-names.js';
import { historyInfo, mapPage } from '../config-center/config-views.js';
import { RegistryError } from '../errors.js';
import { ConfigParams } from './config-params.js';
import { readOptions } from './config-query-routes.js';
import { sendSpringError } from './spring-error.js';

/** Nacos' history paging: 100 rows by default, at most 500. */
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 500;

function positiveId(params: ConfigParams, name: string): number {
  const raw = params.required(name);
  const n = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new RegistryError('REG_PARAM_INVALID', `For input string: "${raw}"`);
  return n;
}

/**
 * When the request names a config, the row must belong to it: permissions are granted per
 * config, so a row id alone must not open another config's history.
 */
function checkOwner(params: ConfigParams, row: HistoryRecord | undefined, what: string): HistoryRecord {
  const dataId = params.optional('dataId');
  const group = params.optional('group');
  const tenant =
    params.optional('tenant') === undefined ? undefined : normalizeTenant(params.optional('tenant'));
  const mismatch =
    row !== undefined &&
    ((dataId !== undefined && row.dataId !== dataId) ||
      (group !== undefined && row.group !== group) ||
      (tenant !== undefined && row.tenant !== tenant));
  if (row === undefined || mismatch) throw new RegistryError('REG_CONFIG_NOT_FOUND', `${what} not exist`);
  return row;
}

/** `/v1/cs/history`: a config's history list, one row, and the row before a config's newest. */
export function configHistoryRoutes(center: ConfigCenter): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.get('/v1/cs/history', async (request, reply) => {
      const params = ConfigParams.of(request);
      const options = readOptions(params);
      if (params.optional('search') === 'accurate') {
        const dataId = params.required('dataId');
        const group = params.required('group');
        const tenant = normalizeTenant(params.optional('tenant'));
        checkDataIdAndGroup(dataId, group);
        const pageNo = Math.max(1, params.int('pageNo', 1));
        const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, params.int('pageSize', DEFAULT_PAGE_SIZE)));
        const page = await center.read(
          (s) => s.history.list({ dataId, group, tenant }, { pageNo, pageSize }),
          options,
        );
        return mapPage(page, (h) => historyInfo(h, false));
      }
      if (params.optional('nid') !== undefined) {
        const nid = positiveId(params, 'nid');
        const row = await center.read((s) => s.history.get(nid), options);
        return historyInfo(checkOwner(params, row, `history nid = ${nid}`), true);
      }
      return sendSpringError(request, reply, 400, 'Parameter conditions "search=accurate" OR "nid" not met');
    });

    app.get('/v1/cs/history/previous', async (request) => {
      const params = ConfigParams.of(request);
      const id = positiveId(params, 'id');
      const row = await center.read((s) => s.history.previous(id), readOptions(params));
      return historyInfo(checkOwner(params, row, `history of config id = ${id}`), true);
    });
  };
}
