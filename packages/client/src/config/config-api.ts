import { ClientError } from '../errors.js';
import type { ServerRequester } from '../http/server-requester.js';
import type { ConfigKey } from './config-key.js';
import { decodeChangedConfigs, encodeListeningConfigs } from './listening-configs.js';

/** Extra fields of a publish. */
export interface PublishFields {
  /** `properties`, `xml`, `json`, `text`, `html`, `yaml`; servers store others as `text`. */
  readonly type?: string;
  readonly appName?: string;
  /**
   * Compare-and-set: publish only if the stored content's md5 is this. Servers treat a blank
   * value as absent (no check); servers without CAS (Nacos 1.x) ignore it; see README.
   */
  readonly casMd5?: string;
}

/** The Nacos v1 config calls, one method each, through the failover requester. */
export class ConfigApi {
  readonly #requester: ServerRequester;

  constructor(requester: ServerRequester) {
    this.#requester = requester;
  }

  /** The content, or undefined when the config does not exist (404). */
  async get(key: ConfigKey, signal?: AbortSignal): Promise<string | undefined> {
    const answer = await this.#requester.send({
      method: 'GET',
      path: '/v1/cs/configs',
      params: { dataId: key.dataId, group: key.group, tenant: key.tenant },
      accept: [200, 404],
      signal,
    });
    return answer.status === 404 ? undefined : answer.body;
  }

  async publish(key: ConfigKey, content: string, fields: PublishFields, signal?: AbortSignal): Promise<void> {
    const answer = await this.#requester.send({
      method: 'POST',
      path: '/v1/cs/configs',
      params: {
        dataId: key.dataId,
        group: key.group,
        tenant: key.tenant,
        content,
        type: fields.type,
        appName: fields.appName,
        casMd5: fields.casMd5,
      },
      signal,
      classify: (status, body) =>
        status === 500 && /cas publish fail/i.test(body)
          ? new ClientError(
              'CLIENT_CONFIG_CAS_MISMATCH',
              `${key.dataId}: the stored md5 is not ${fields.casMd5}`,
              {
                status,
              },
            )
          : undefined,
    });
    expectTrue(answer.body, 'publish');
  }

  async remove(key: ConfigKey, signal?: AbortSignal): Promise<void> {
    const answer = await this.#requester.send({
      method: 'DELETE',
      path: '/v1/cs/configs',
      params: { dataId: key.dataId, group: key.group, tenant: key.tenant },
      signal,
    });
    expectTrue(answer.body, 'remove');
  }

  /**
   * One long poll (`POST /v1/cs/configs/listener`): the server answers at once when one of the
   * md5s is stale, else when a config changes or after about `timeoutMs`. Resolves with the keys
   * that changed (possibly none).
   */
  async listen(
    entries: ReadonlyArray<ConfigKey & { readonly md5: string }>,
    tenant: string,
    options: { timeoutMs: number; noHangup: boolean; signal: AbortSignal },
  ): Promise<Array<{ dataId: string; group: string }>> {
    const answer = await this.#requester.send({
      method: 'POST',
      path: '/v1/cs/configs/listener',
      params: {
        'Listening-Configs': encodeListeningConfigs(entries),
        tenant: tenant === '' ? undefined : tenant,
      },
      headers: {
        'Long-Pulling-Timeout': String(options.timeoutMs),
        ...(options.noHangup && { 'Long-Pulling-Timeout-No-Hangup': 'true' }),
      },
      // The server holds the request for up to the timeout; allow it that plus a margin.
      timeoutMs: options.timeoutMs + 10_000,
      signal: options.signal,
    });
    return decodeChangedConfigs(answer.body);
  }
}

function expectTrue(body: string, what: string): void {
  if (body.trim() !== 'true') {
    throw new ClientError(
      'CLIENT_BAD_RESPONSE',
      `${what} answered ${JSON.stringify(body.trim().slice(0, 100))}, not true`,
    );
  }
}
