export type { PublishFields } from './config/config-api.js';
export {
  type ConfigChangeEvent,
  ConfigClient,
  type ConfigClientOptions,
  type ConfigListener,
  type ConfigOptions,
  type ConfigSource,
} from './config/config-client.js';
export { ClientError, type ClientErrorCode, isClientError } from './errors.js';
export type { Logger } from './logger.js';
export { md5Hex } from './md5.js';
export type { InstanceAddress, InstanceInput } from './naming/instance-input.js';
export type { Instance, ServiceInfo } from './naming/model.js';
export type { ServiceSelector } from './naming/names.js';
export {
  NamingClient,
  type NamingClientOptions,
  type NamingStats,
  type PushOptions,
  type ReadOptions,
  type ReadOptionsNoClusters,
} from './naming/naming-client.js';
export type { ServiceChangeEvent, ServiceListener, ServiceSource } from './naming/service-holder.js';
export { type CommonClientOptions, DEFAULT_GROUP, DEFAULT_NAMESPACE } from './options.js';
