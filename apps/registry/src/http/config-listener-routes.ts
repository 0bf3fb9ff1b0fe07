import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ConfigCenter } from '../config-center/config-center.js';
import {
  encodeChangedConfigs,
  encodeChangedConfigsOld,
  parseListeningConfigs,
} from '../config-center/listening-configs.js';
import { changedConfigs, holdTimeMs } from '../config-center/long-poll.js';
import { RegistryError } from '../errors.js';
import { ConfigParams } from './config-params.js';
import type { ConfigHttpSettings } from './config-routes.js';

const NO_CACHE = {
  Pragma: 'no-cache',
  Expires: 'Thu, 01 Jan 1970 00:00:00 GMT',
  'Cache-Control': 'no-cache,no-store',
};

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/**
 * `POST /v1/cs/configs/listener`: Nacos' long polling. A poll answers at once when a key's md5
 * differs from the client's; otherwise it is held until one of its keys changes on any member
 * (answered with that key) or the hold ends (answered empty).
 */
export function configListenerRoutes(center: ConfigCenter, settings: ConfigHttpSettings): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.post('/v1/cs/configs/listener', async (request, reply) => {
      const params = ConfigParams.of(request);
      const configs = parseListeningConfigs(params.raw('Listening-Configs'));
      const timeoutHeader = header(request, 'long-pulling-timeout');

      if (timeoutHeader === undefined) {
        // Short polling (clients before long polling): compare and answer in headers and body.
        const changed = await changedConfigs(center, configs);
        const body = encodeChangedConfigs(changed);
        return reply
          .headers({
            ...NO_CACHE,
            'Probe-Modify-Response': encodeChangedConfigsOld(changed),
            'Probe-Modify-Response-New': body.trimEnd(),
          })
          .type('text/html;charset=UTF-8')
          .send(body);
      }

      if (!/^\d{1,12}$/.test(timeoutHeader)) {
        throw new RegistryError('REG_CONFIG_INVALID', `invalid Long-Pulling-Timeout : ${timeoutHeader}`);
      }
      const holdMs = holdTimeMs(Number(timeoutHeader), settings);
      const noHangup = header(request, 'long-pulling-timeout-no-hangup')?.toLowerCase() === 'true';

      // Hold first, compare second: a change between the two would otherwise wait a whole hold.
      const poll = center.hub.hold(configs, holdMs);
      reply.raw.once('close', () => void poll.settle([]));
      let changed: Awaited<ReturnType<typeof changedConfigs>>;
      try {
        changed = await changedConfigs(center, configs);
      } catch (err) {
        void poll.settle([]);
        throw err;
      }
      const answer = changed.length > 0 || noHangup ? await poll.settle(changed) : await poll.answer;
      return send(reply, encodeChangedConfigs(answer));
    });
  };
}

function send(reply: FastifyReply, body: string): FastifyReply {
  return reply.headers(NO_CACHE).type('text/html;charset=UTF-8').send(body);
}
