import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, type AuthRegistry, call, login, startAuthRegistry } from '../auth/auth-harness.js';
import { type Sample, sampleValue, scrape } from './scrape.js';

const W = '\u0002';
const L = '\u0001';
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** The route label of the console's fallback (`GET /*` under the context path). */
const CONSOLE_ROUTE = '/nacos/*';

/** Series keys (name + labels) of the registry's own HTTP metrics. */
const httpSeries = (samples: readonly Sample[]) =>
  new Set(samples.filter((s) => s.name.startsWith('reg_http_')).map((s) => `${s.name}${s.labels}`));

describe('GET /nacos/actuator/prometheus (auth off)', () => {
  let server: AuthRegistry;
  beforeAll(async () => {
    server = await startAuthRegistry({ 'reg.config.longpoll.min.hold.ms': '0' });
  }, 20_000);
  afterAll(async () => {
    await server?.close();
  });

  it('serves the text format with process, raft and Nacos-compatible series', async () => {
    const { status, type, samples } = await scrape(server.base);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    // prom-client counts CPU from when its collector was created, so right after start it may be 0.
    expect(sampleValue(samples, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleValue(samples, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(samples, 'reg_raft_role', { role: 'leader' })).toBe(1);
    expect(sampleValue(samples, 'reg_raft_role', { role: 'follower' })).toBe(0);
    expect(sampleValue(samples, 'reg_raft_term')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples, 'reg_raft_leader_changes_total')).toBe(1);
    expect(sampleValue(samples, 'reg_raft_has_leader')).toBe(1);
    expect(sampleValue(samples, 'nacos_monitor', { module: 'naming', name: 'leaderStatus' })).toBe(1);
    expect(sampleValue(samples, 'reg_distro_sync_batches_total', { engine: 'naming' })).toBe(0);
  });

  it('naming series move with registrations and beats made over HTTP', async () => {
    const before = (await scrape(server.base)).samples;
    const register = (ip: string, ephemeral: boolean) =>
      call(server.base, 'POST', '/v1/ns/instance', {
        form: { serviceName: 'm-svc', ip, port: '80', ephemeral: String(ephemeral) },
      });
    for (const ip of ['10.0.0.1', '10.0.0.2']) expect((await register(ip, true)).text).toBe('ok');
    expect((await register('10.0.0.3', false)).text).toBe('ok');
    const beat = JSON.stringify({
      serviceName: 'DEFAULT_GROUP@@m-svc',
      ip: '10.0.0.1',
      port: 80,
      cluster: 'DEFAULT',
    });
    for (let i = 0; i < 3; i++) {
      const answer = await call(server.base, 'PUT', '/v1/ns/instance/beat', {
        form: { beat, serviceName: 'DEFAULT_GROUP@@m-svc' },
      });
      expect(answer.status).toBe(200);
    }
    const after = (await scrape(server.base)).samples;
    expect(sampleValue(after, 'reg_naming_services')).toBe(
      (sampleValue(before, 'reg_naming_services') ?? 0) + 1,
    );
    expect(sampleValue(after, 'reg_naming_instances', { ephemeral: 'true', healthy: 'true' })).toBe(2);
    expect(sampleValue(after, 'reg_naming_instances', { ephemeral: 'false', healthy: 'true' })).toBe(1);
    expect(sampleValue(after, 'reg_naming_instances', { ephemeral: 'false', healthy: 'false' })).toBe(0);
    expect(sampleValue(after, 'nacos_monitor', { module: 'naming', name: 'ipCount' })).toBe(3);
    expect(
      (sampleValue(after, 'reg_naming_beats_total') ?? 0) -
        (sampleValue(before, 'reg_naming_beats_total') ?? 0),
    ).toBe(3);
    expect(
      (sampleValue(after, 'reg_naming_registrations_total') ?? 0) -
        (sampleValue(before, 'reg_naming_registrations_total') ?? 0),
    ).toBe(3);
    expect(
      sampleValue(after, 'reg_http_requests_total', {
        method: 'POST',
        route: '/nacos/v1/ns/instance',
        status: '200',
      }),
    ).toBe(3);
    expect(
      sampleValue(after, 'reg_http_request_duration_seconds_count', {
        method: 'PUT',
        route: '/nacos/v1/ns/instance/beat',
        status: '200',
      }),
    ).toBe(3);
    // A persistent registration went through Raft: the log moved and was applied.
    expect(sampleValue(after, 'reg_raft_commit_index')).toBeGreaterThan(
      sampleValue(before, 'reg_raft_commit_index') ?? 0,
    );
    expect(sampleValue(after, 'reg_raft_apply_lag')).toBe(0);
  });

  it('config series move with publishes and a held long poll', async () => {
    const publish = (content: string) =>
      call(server.base, 'POST', '/v1/cs/configs', {
        form: { dataId: 'm.cfg', group: 'DEFAULT_GROUP', content },
      });
    expect((await publish('v1')).text).toBe('true');
    const first = (await scrape(server.base)).samples;
    expect(sampleValue(first, 'reg_config_configs')).toBe(1);
    expect(sampleValue(first, 'reg_config_publishes_total')).toBe(1);
    expect(sampleValue(first, 'reg_config_long_polls')).toBe(0);

    const poll = call(server.base, 'POST', '/v1/cs/configs/listener', {
      form: { 'Listening-Configs': `m.cfg${W}DEFAULT_GROUP${W}${md5('v1')}${L}` },
      headers: { 'Long-Pulling-Timeout': '10000' },
    });
    const deadline = Date.now() + 5_000;
    let held = 0;
    while (held !== 1 && Date.now() < deadline) {
      held = sampleValue((await scrape(server.base)).samples, 'reg_config_long_polls') ?? 0;
      if (held !== 1) await new Promise((r) => setTimeout(r, 20));
    }
    expect(held).toBe(1);
    const whileHeld = (await scrape(server.base)).samples;
    expect(sampleValue(whileHeld, 'nacos_monitor', { module: 'config', name: 'longPolling' })).toBe(1);

    expect((await publish('v2')).text).toBe('true');
    expect((await poll).text).toBe('m.cfg%02DEFAULT_GROUP%01\n');
    const after = (await scrape(server.base)).samples;
    expect(sampleValue(after, 'reg_config_long_polls')).toBe(0);
    expect(sampleValue(after, 'reg_config_publishes_total')).toBe(2);
    expect(sampleValue(after, 'reg_config_configs')).toBe(1);
    expect(sampleValue(after, 'reg_config_notify_latency_seconds_count')).toBe(1);
    expect(sampleValue(after, 'reg_config_notify_latency_seconds_bucket', { le: '+Inf' })).toBe(1);
    // A refused publish (bad dataId) is not counted.
    const refused = await call(server.base, 'POST', '/v1/cs/configs', {
      form: { dataId: 'a/b', group: 'DEFAULT_GROUP', content: 'x' },
    });
    expect(refused.status).toBe(400);
    expect(sampleValue((await scrape(server.base)).samples, 'reg_config_publishes_total')).toBe(2);
  });

  it('1,000 hostile URLs add no series: they count under route="unmatched" or the console fallback', async () => {
    // Every series these requests can land in exists before the run: outside the context path
    // (unmatched 404), and the console's fallback under it (a page 200, a missing file or API 404).
    const origin = new URL(server.base).origin;
    for (const url of [`${origin}/warm-up-404`, `${server.base}/warm-up-page`, `${server.base}/warm-up.js`]) {
      await (await fetch(url)).text();
    }
    const counted = (samples: readonly Sample[]) =>
      (sampleValue(samples, 'reg_http_requests_total', { route: 'unmatched' }) ?? 0) +
      (sampleValue(samples, 'reg_http_requests_total', { route: CONSOLE_ROUTE }) ?? 0);
    const before = (await scrape(server.base)).samples;
    const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
    console.log(`hostile URL seed ${seed} (replay with SEED=${seed})`);
    let state = seed;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state;
    };
    const pieces = [
      '..',
      '%2F',
      '%00',
      ';x',
      '//',
      'v1',
      'ns',
      'instance',
      '%E2%80%AE',
      'a'.repeat(300),
      '{x}',
      '"',
    ];
    const started = Date.now();
    for (let i = 0; i < 1_000 && Date.now() - started < 30_000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => {
          const segments = Array.from({ length: 1 + (random() % 5) }, () => pieces[random() % pieces.length]);
          const path = `/${segments.join('/')}/${i + j}-${random().toString(36)}`;
          return fetch(`${server.base}${path}?x=${random()}`).then((r) => r.text());
        }),
      );
    }
    const after = (await scrape(server.base)).samples;
    // The two scrapes themselves are the only new requests on known series.
    expect(httpSeries(after)).toEqual(httpSeries(before));
    expect(counted(after) - counted(before)).toBe(1_000);
  }, 40_000);
});

describe('GET /nacos/actuator/prometheus (auth on)', () => {
  let server: AuthRegistry;
  beforeAll(async () => {
    server = await startAuthRegistry({ 'nacos.core.auth.enabled': 'true' });
  }, 20_000);
  afterAll(async () => {
    await server?.close();
  });

  it('is open like Nacos while secured routes refuse, and leaks no credentials', async () => {
    const refused = await call(server.base, 'GET', '/v1/ns/instance/list', { query: { serviceName: 'x' } });
    expect(refused.status).toBe(403);
    const token = await login(server.base, 'nacos', ADMIN_PASSWORD);
    const withToken = await call(server.base, 'POST', '/v1/cs/configs', {
      query: { accessToken: token },
      form: { dataId: 'secret.cfg', group: 'DEFAULT_GROUP', content: 'password=hunter2' },
    });
    expect(withToken.text).toBe('true');

    const { status, text, samples } = await scrape(server.base);
    expect(status).toBe(200);
    expect(sampleValue(samples, 'reg_config_publishes_total')).toBe(1);
    expect(
      sampleValue(samples, 'reg_http_requests_total', { route: '/nacos/v1/ns/instance/list', status: '403' }),
    ).toBe(1);
    for (const secret of [ADMIN_PASSWORD, token, 'hunter2', 'secret.cfg', 'accessToken']) {
      expect(text).not.toContain(secret);
    }
  });
});
