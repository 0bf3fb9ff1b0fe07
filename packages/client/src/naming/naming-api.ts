import { ClientError } from '../errors.js';
import type { ServerRequester } from '../http/server-requester.js';
import { parseServiceInfo, type ServiceInfo } from './model.js';
import { groupedName, type ServiceRef } from './names.js';

/** An instance to register, with every field resolved. */
export interface InstanceRegistration {
  readonly serviceName: string;
  readonly groupName: string;
  readonly ip: string;
  readonly port: number;
  readonly weight: number;
  readonly healthy: boolean;
  readonly enabled: boolean;
  readonly ephemeral: boolean;
  readonly clusterName: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** A server's answer to a beat. */
export interface BeatAnswer {
  /** 10200 when the server knows the instance, 20404 when it does not. */
  readonly code: number;
  /** When to beat next (ms), if the server said. */
  readonly clientBeatInterval: number | undefined;
  /** Whether later beats may leave out the instance data. */
  readonly lightBeatEnabled: boolean;
}

/** Beat codes of Nacos' beat answer. */
export const BEAT_OK = 10200;
export const BEAT_NOT_FOUND = 20404;

/** The Nacos v1 naming calls, one method each; every call goes through the failover requester. */
export class NamingApi {
  readonly #requester: ServerRequester;
  readonly #namespace: string;

  constructor(requester: ServerRequester, namespace: string) {
    this.#requester = requester;
    this.#namespace = namespace;
  }

  async register(instance: InstanceRegistration, signal?: AbortSignal): Promise<void> {
    await this.#requester.send({
      method: 'POST',
      path: '/v1/ns/instance',
      params: {
        namespaceId: this.#namespace,
        serviceName: groupedName(instance),
        groupName: instance.groupName,
        clusterName: instance.clusterName,
        ip: instance.ip,
        port: instance.port,
        weight: instance.weight,
        enabled: instance.enabled,
        healthy: instance.healthy,
        ephemeral: instance.ephemeral,
        metadata: JSON.stringify(instance.metadata),
      },
      signal,
    });
  }

  async deregister(
    instance: Pick<
      InstanceRegistration,
      'serviceName' | 'groupName' | 'ip' | 'port' | 'clusterName' | 'ephemeral'
    >,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.#requester.send({
      method: 'DELETE',
      path: '/v1/ns/instance',
      params: {
        namespaceId: this.#namespace,
        serviceName: groupedName(instance),
        groupName: instance.groupName,
        clusterName: instance.clusterName,
        ip: instance.ip,
        port: instance.port,
        ephemeral: instance.ephemeral,
      },
      signal,
    });
  }

  /**
   * `GET /v1/ns/instance/list`. With `udpPort` > 0 the server also (re)subscribes this client
   * to UDP pushes for the service at `clientIP:udpPort` (or the request's source address).
   */
  async list(
    ref: ServiceRef,
    push: { udpPort: number; clientIP: string | undefined },
    signal?: AbortSignal,
  ): Promise<ServiceInfo> {
    const answer = await this.#requester.send({
      method: 'GET',
      path: '/v1/ns/instance/list',
      params: {
        namespaceId: this.#namespace,
        serviceName: groupedName(ref),
        groupName: ref.groupName,
        clusters: ref.clusters,
        healthyOnly: false,
        udpPort: push.udpPort,
        clientIP: push.udpPort > 0 ? push.clientIP : undefined,
      },
      signal,
    });
    let json: unknown;
    try {
      json = JSON.parse(answer.body);
    } catch (cause) {
      throw new ClientError('CLIENT_BAD_RESPONSE', `instance list from ${answer.server.label} is not JSON`, {
        cause,
      });
    }
    const info = parseServiceInfo(json, ref);
    // Key the answer by what was asked: servers echo clusters, but old ones may not.
    return { ...info, serviceName: ref.serviceName, groupName: ref.groupName, clusters: ref.clusters };
  }

  /**
   * `PUT /v1/ns/instance/beat`. A full beat carries the instance (a server that lost it registers
   * it again from that); a light beat only names it.
   */
  async beat(instance: InstanceRegistration, light: boolean, signal?: AbortSignal): Promise<BeatAnswer> {
    const grouped = groupedName(instance);
    const answer = await this.#requester.send({
      method: 'PUT',
      path: '/v1/ns/instance/beat',
      params: {
        namespaceId: this.#namespace,
        serviceName: grouped,
        groupName: instance.groupName,
        clusterName: instance.clusterName,
        ip: instance.ip,
        port: instance.port,
        beat: light
          ? undefined
          : JSON.stringify({
              serviceName: grouped,
              ip: instance.ip,
              port: instance.port,
              cluster: instance.clusterName,
              weight: instance.weight,
              metadata: instance.metadata,
              ephemeral: true,
              scheduled: false,
            }),
      },
      signal,
    });
    let json: { code?: unknown; clientBeatInterval?: unknown; lightBeatEnabled?: unknown };
    try {
      json = JSON.parse(answer.body) as typeof json;
    } catch (cause) {
      throw new ClientError('CLIENT_BAD_RESPONSE', `beat answer from ${answer.server.label} is not JSON`, {
        cause,
      });
    }
    const interval = Number(json?.clientBeatInterval);
    return {
      code: typeof json?.code === 'number' ? json.code : BEAT_OK,
      clientBeatInterval: Number.isFinite(interval) && interval > 0 ? interval : undefined,
      lightBeatEnabled: json?.lightBeatEnabled === true,
    };
  }
}
