import type { FastifyRequest } from 'fastify';
import { RegistryError } from '../errors.js';
import { type ClientAgent, parseClientAgent } from '../naming/client-agent.js';
import { checkInstanceIp, checkWeight, defaultInstanceId, parseMetadata } from '../naming/instance.js';
import type { InstanceAddress } from '../naming/instance-ops.js';
import type { InstanceRecord } from '../naming/model.js';
import {
  checkClusterName,
  checkNamespaceId,
  DEFAULT_CLUSTER,
  DEFAULT_GROUP,
  DEFAULT_NAMESPACE,
  type ServiceKey,
  serviceKeyOf,
  toGroupedName,
} from '../naming/names.js';
import { isInstanceRecord } from '../naming/record-guards.js';
import { NacosParams } from './params.js';

/** Hostnames are accepted as Nacos does, but without spaces, control characters or absurd length. */
const HOST = /^[^\s\p{Cc},#]{1,253}$/u;
const MAX_APP_LENGTH = 128;

/** Parameters of the naming routes, with Nacos' defaults and texts. */
export class NamingParams {
  readonly params: NacosParams;
  readonly agent: ClientAgent;
  readonly userAgent: string;

  constructor(request: FastifyRequest) {
    this.params = NacosParams.of(request);
    const ua = header(request, 'user-agent');
    const clientVersion = header(request, 'client-version');
    this.userAgent = ua ?? clientVersion ?? '';
    this.agent = parseClientAgent(ua, clientVersion);
  }

  optional(name: string): string | undefined {
    return this.params.optional(name);
  }

  required(name: string): string {
    return this.params.required(name);
  }

  bool(name: string, fallback: boolean): boolean {
    return this.params.bool(name, fallback);
  }

  namespaceId(): string {
    return checkNamespaceId(this.optional('namespaceId') ?? DEFAULT_NAMESPACE);
  }

  /** The service named by `serviceName` (+ `groupName`), after Nacos' DistroFilter rewrite. */
  serviceKey(): ServiceKey {
    const namespaceId = this.namespaceId();
    const name = this.required('serviceName');
    return serviceKeyOf(namespaceId, toGroupedName(name, this.optional('groupName') ?? DEFAULT_GROUP));
  }

  /** `clusterName`, falling back to `cluster`, then `DEFAULT`. */
  clusterName(): string {
    return checkClusterName(this.optional('clusterName') ?? this.optional('cluster') ?? DEFAULT_CLUSTER);
  }

  ip(): string {
    return checkHost(this.required('ip'));
  }

  port(): number {
    const raw = this.required('port');
    const port = this.params.int('port', 0);
    if (port < 0 || port > 65535) {
      throw new RegistryError('REG_NAMING_INVALID', `instance format invalid: port out of range: ${raw}`);
    }
    return port;
  }

  /** ip + port + cluster of the instance a request names. */
  address(): InstanceAddress {
    return { ip: this.ip(), port: this.port(), clusterName: this.clusterName() };
  }

  /**
   * The instance of a register/update request: Nacos' defaults (weight 1, enabled, healthy,
   * `ephemeral` from the switch), `enable` accepted for `enabled` (the Node SDK sends it).
   */
  instance(key: ServiceKey, defaultEphemeral: boolean, now: number): InstanceRecord {
    const { ip, port, clusterName } = this.address();
    const metadata = parseMetadata(this.optional('metadata'));
    const app = this.optional('app') ?? 'DEFAULT';
    if (app.length > MAX_APP_LENGTH) throw new RegistryError('REG_NAMING_INVALID', 'app name is too long');
    const instance: InstanceRecord = {
      instanceId: defaultInstanceId(ip, port, clusterName, key.grouped),
      ip,
      port,
      clusterName,
      serviceName: key.grouped,
      weight: checkWeight(this.params.double('weight', 1)),
      healthy: this.bool('healthy', true),
      enabled:
        this.optional('enabled') !== undefined ? this.bool('enabled', true) : this.bool('enable', true),
      ephemeral: this.bool('ephemeral', defaultEphemeral),
      marked: false,
      metadata,
      lastBeat: now,
      app,
    };
    return checkedInstance(instance);
  }
}

/** Refuses an instance the stores would refuse (metadata too large, fields too long). */
export function checkedInstance(instance: InstanceRecord): InstanceRecord {
  if (!isInstanceRecord(instance)) {
    throw new RegistryError(
      'REG_NAMING_INVALID',
      'instance format invalid: metadata or a field is too large',
    );
  }
  return instance;
}

export function checkHost(ip: string): string {
  if (!HOST.test(ip)) {
    throw new RegistryError(
      'REG_NAMING_INVALID',
      'instance format invalid: Your IP address is spelled incorrectly',
    );
  }
  return checkInstanceIp(ip);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
