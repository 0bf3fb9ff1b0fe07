import { CONFIG_LIMITS } from '@reg/storage';
import { ConfigError } from '../config/load-config.js';
import { type ConfigHttpSettings, configCenterRoutes } from '../http/config-routes.js';
import type { RegistryModule, RegistryModuleContext, RegistryModuleInstance } from '../registry.js';
import { ConfigCenter } from './config-center.js';
import type { ConfigCommand } from './config-commands.js';
import type { CommandResult } from './config-executor.js';
import { ConfigStateMachine } from './config-state-machine.js';
import { HistoryPurger } from './history-purger.js';
import { ListenerHub } from './listener-hub.js';

/** The properties the config center reads (`maxContent` is Nacos' own key). */
export const CONFIG_CENTER_KEYS = {
  maxContent: 'maxContent',
  minHold: 'reg.config.longpoll.min.hold.ms',
  maxHold: 'reg.config.longpoll.max.hold.ms',
  retentionDays: 'nacos.config.retention.days',
  purgeInterval: 'reg.config.history.purge.interval.ms',
} as const;

/** Everything the config center reads from properties. */
export interface ConfigCenterSettings extends ConfigHttpSettings {
  readonly retentionDays: number;
  readonly purgeIntervalMs: number;
}

/** Reads and checks the config center's properties; one ConfigError lists every problem. */
export function readConfigCenterSettings(properties: ReadonlyMap<string, string>): ConfigCenterSettings {
  const problems: string[] = [];
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const raw = properties.get(key);
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw.trim());
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${key}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const maxContentBytes = int(
    CONFIG_CENTER_KEYS.maxContent,
    CONFIG_LIMITS.contentBytes,
    1,
    CONFIG_LIMITS.contentBytes,
  );
  const minHoldMs = int(CONFIG_CENTER_KEYS.minHold, 10_000, 0, 3_600_000);
  const maxHoldMs = int(CONFIG_CENTER_KEYS.maxHold, 300_000, 1_000, 3_600_000);
  if (minHoldMs > maxHoldMs) {
    problems.push(
      `${CONFIG_CENTER_KEYS.minHold} (${minHoldMs}) must not exceed ${CONFIG_CENTER_KEYS.maxHold} (${maxHoldMs})`,
    );
  }
  const retentionDays = int(CONFIG_CENTER_KEYS.retentionDays, 30, 1, 36_500);
  const purgeIntervalMs = int(CONFIG_CENTER_KEYS.purgeInterval, 600_000, 1_000, 86_400_000);
  if (problems.length > 0) throw new ConfigError(problems);
  return { maxContentBytes, minHoldMs, maxHoldMs, retentionDays, purgeIntervalMs };
}

/** What the config module exposes besides its routes (for an exporter). */
export interface ConfigModuleHandle {
  readonly center: ConfigCenter;
  readonly hub: ListenerHub;
}

/**
 * The config center as an API module: registers the `config` CP module on the consensus plane
 * and serves `/v1/cs/*` and `/v1/console/namespaces`. `onStart` receives the running parts.
 */
export function configModule(
  onStart?: (handle: ConfigModuleHandle, context: RegistryModuleContext) => void,
): RegistryModule {
  return {
    name: 'config',
    setup: (context) => setupConfigCenter(context, onStart),
  };
}

/** The config module as `API_MODULES` lists it. */
export const configCenterModule: RegistryModule = configModule();

function setupConfigCenter(
  context: RegistryModuleContext,
  onStart?: (handle: ConfigModuleHandle, context: RegistryModuleContext) => void,
): RegistryModuleInstance {
  const settings = readConfigCenterSettings(context.config.properties);
  const logger = context.logger.child({ component: 'config' });
  const hub = new ListenerHub();
  const { storage, kind } = context.storage;
  const writer = context.consensus.register<ConfigCommand, CommandResult>(
    new ConfigStateMachine({ storage, kind, hub, logger }),
  );
  const center = new ConfigCenter({
    storage,
    kind,
    hub,
    writer,
    readBarrier: () => context.consensus.readBarrier(),
    logger,
  });
  const purger = new HistoryPurger({
    center,
    isLeader: () => context.consensus.status().role === 'leader',
    retentionMs: settings.retentionDays * 86_400_000,
    intervalMs: settings.purgeIntervalMs,
    logger,
  });
  purger.start();
  onStart?.({ center, hub }, context);
  return {
    routes: configCenterRoutes(center, settings),
    async close() {
      await purger.stop();
      hub.close();
    },
  };
}
