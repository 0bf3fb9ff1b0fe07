import type { DistroMetrics } from '@reg/distro';
import type { FastifyInstance } from 'fastify';
import { ConfigError } from '../config/load-config.js';
import { namingRoutes } from '../http/naming-routes.js';
import type { RegistryModule, RegistryModuleContext, RegistryModuleInstance } from '../registry.js';
import { BeatChecker } from './beat-checker.js';
import type { NamingCommand, NamingResult } from './cp-commands.js';
import { NamingCpState } from './cp-state.js';
import {
  type EphemeralOp,
  EphemeralStore,
  type EphemeralValue,
  ephemeralDistroOptions,
} from './ephemeral-store.js';
import { PersistentHealthChecker } from './health-checker.js';
import { defaultProbe } from './health-probes.js';
import { buildInstanceList } from './instance-list.js';
import { parseServiceKeyString } from './names.js';
import { NamingCore } from './naming-core.js';
import { NamingMetrics } from './naming-metrics.js';
import { PushService } from './push-service.js';
import { VisibleChanges } from './visible-changes.js';

/** Extra settings (application.properties keys), all optional. */
export interface NamingSettings {
  /** `reg.naming.beat.check.period.ms`: how often silent instances are looked for (1000). */
  readonly beatCheckPeriodMs: number;
  /** `reg.naming.health.check.period.ms`: time between server-side check rounds (2000). */
  readonly healthCheckPeriodMs: number;
  /** `reg.naming.empty.service.ttl.ms`: how long an empty ephemeral-only service lives (150000). */
  readonly emptyServiceTtlMs: number;
  /**
   * `reg.naming.push.target`: `remote` (default) pushes to the address the list request came
   * from; `clientIP` trusts the client's `clientIP` parameter as Nacos does, which lets any caller
   * aim push datagrams at a third party, so it is opt-in (for clients behind a proxy).
   */
  readonly pushTarget: 'remote' | 'clientIP';
  /** `reg.naming.push.ack.timeout.ms`: resend an unacknowledged push after this long (10000). */
  readonly pushAckTimeoutMs: number;
}

export function readNamingSettings(properties: ReadonlyMap<string, string>): NamingSettings {
  const problems: string[] = [];
  const ms = (key: string, fallback: number): number => {
    const raw = properties.get(key)?.trim();
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 10 || n > 3_600_000) {
      problems.push(`${key}=${JSON.stringify(raw)}: expected milliseconds from 10 to 3600000`);
      return fallback;
    }
    return n;
  };
  const target = properties.get('reg.naming.push.target')?.trim() || 'remote';
  if (target !== 'remote' && target !== 'clientIP') {
    problems.push(`reg.naming.push.target=${JSON.stringify(target)}: expected remote or clientIP`);
  }
  const settings: NamingSettings = {
    beatCheckPeriodMs: ms('reg.naming.beat.check.period.ms', 1_000),
    healthCheckPeriodMs: ms('reg.naming.health.check.period.ms', 2_000),
    emptyServiceTtlMs: ms('reg.naming.empty.service.ttl.ms', 150_000),
    pushTarget: target === 'clientIP' ? 'clientIP' : 'remote',
    pushAckTimeoutMs: ms('reg.naming.push.ack.timeout.ms', 10_000),
  };
  // Reported like every other configuration problem: all at once, exit code 2, nothing started.
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}

/** What the naming module exposes besides its routes (metrics for an exporter, tests). */
export interface NamingModuleHandle {
  readonly core: NamingCore;
  readonly push: PushService;
  readonly metrics: NamingMetrics;
}

/**
 * The Nacos v1 naming API: services, instances, beats, health checks and UDP push, on the CP
 * plane (persistent data, module `naming`) and a Distro engine (ephemeral instances, `naming`).
 * `onStart` receives the running parts (tests and exporters read metrics through it);
 * `distroMetrics`, when given, supplies the Distro engine's metrics hooks for this registry.
 */
export function namingModule(
  onStart?: (handle: NamingModuleHandle, context: RegistryModuleContext) => void,
  distroMetrics?: (context: RegistryModuleContext) => DistroMetrics,
): RegistryModule {
  return {
    name: 'naming',
    async setup(context): Promise<RegistryModuleInstance> {
      const { consensus, ephemeral, storage, config, logger } = context;
      const settings = readNamingSettings(config.properties);
      const metrics = new NamingMetrics();
      const cp = new NamingCpState(storage.storage.naming);
      await cp.load();
      const writer = consensus.register<NamingCommand, NamingResult>(cp);

      let push: PushService | undefined;
      const changed = (key: string | undefined) => {
        if (key !== undefined) push?.serviceChanged(key);
      };
      cp.onChange(changed);
      const visible = new VisibleChanges((key) => push?.hasSubscribers(key) ?? false);
      const distro = ephemeral.distro<EphemeralValue, EphemeralOp>('naming', {
        ...ephemeralDistroOptions((key, value) => {
          if (visible.changed(key, value)) changed(key);
        }),
        ...(distroMetrics && { metrics: distroMetrics(context) }),
      });
      const store = new EphemeralStore(distro);
      const core = new NamingCore(cp, writer, store, metrics);

      push = new PushService({
        build: (sub) => {
          const key = parseServiceKeyString(sub.serviceKey);
          if (!key) return {};
          return buildInstanceList(core.service(key), core.instances(key), {
            groupedName: sub.groupedName,
            clusters: sub.clusters,
            healthyOnly: false,
            env: sub.env,
            cacheMillis: core.switches.defaultPushCacheMillis,
            agent: sub.agent,
            now: Date.now(),
          });
        },
        enabled: () => core.switches.pushEnabled,
        // Clients re-poll every push cacheMillis; expire only after a missed poll and some slack.
        subscriberTtlMs: () => core.switches.defaultPushCacheMillis * 2 + 5_000,
        metrics,
        ackTimeoutMs: settings.pushAckTimeoutMs,
        onError: (err, what) => logger.warn({ err, what }, 'push failed'),
      });
      const pushPort = await push.start();

      const beats = new BeatChecker(
        {
          now: Date.now,
          entries: () => store.entries(),
          isResponsible: (key) => store.isResponsible(key),
          isPersistentService: (key) => cp.service(key) !== undefined,
          expire: async (key, now) => {
            await store.update(key, { t: 'expire', now });
          },
          dropEmpty: (key) => store.update(key, { t: 'drop-if-empty' }),
          onError: (err, key) => logger.warn({ err, key }, 'beat expiry failed'),
        },
        { periodMs: settings.beatCheckPeriodMs, emptyServiceTtlMs: settings.emptyServiceTtlMs },
      );
      const health = new PersistentHealthChecker(
        {
          isLeader: () => consensus.status().role === 'leader',
          enabled: () => core.switches.healthCheckEnabled,
          checkTimes: () => core.switches.checkTimes,
          targets: function* () {
            for (const [key, instances] of cp.persistentLists())
              yield { key, service: cp.service(key), instances };
          },
          probe: defaultProbe,
          report: async (key, at, healthy) => {
            const parsed = parseServiceKeyString(key);
            if (!parsed) return;
            metrics.healthFlips++;
            await core.submit({
              t: 'instances',
              ns: parsed.namespaceId,
              grouped: parsed.grouped,
              op: { t: 'health', at, healthy },
            });
          },
          onError: (err, key) => logger.warn({ err, key }, 'health check report failed'),
        },
        { periodMs: settings.healthCheckPeriodMs },
      );
      beats.start();
      health.start();
      logger.info({ pushPort, ...settings }, 'naming ready');
      onStart?.({ core, push, metrics }, context);

      return {
        routes: async (app: FastifyInstance) => {
          await app.register(namingRoutes, { core, push, consensus, config, settings });
        },
        async close() {
          await beats.stop();
          await health.stop();
          await push?.close();
        },
      };
    },
  };
}

/** The naming module as `API_MODULES` lists it. */
export const namingApiModule: RegistryModule = namingModule();
