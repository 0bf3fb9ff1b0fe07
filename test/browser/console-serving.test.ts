import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePortPair,
  type NamingProcess,
  startNamingProcess,
  waitForNaming,
} from '../compat/helpers/registry-process.js';

/**
 * How the registry serves the console's files (no browser needed): index.html for console
 * paths with a fresh-check cache policy, hashed assets cached for a year, and API paths never
 * shadowed by the page fallback. Auth is on: the files must load before anyone signs in.
 */
describe('console files served by the registry', () => {
  let registry: NamingProcess;

  beforeAll(async () => {
    registry = startNamingProcess({
      port: await freePortPair(),
      properties: { 'nacos.core.auth.enabled': 'true', 'reg.auth.admin.password': 'serving-test-password' },
    });
    await waitForNaming(registry);
  }, 30_000);

  afterAll(async () => {
    await registry?.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${registry.port}${path}`, { headers, signal: AbortSignal.timeout(5000) });

  it('answers index.html for the root and console pages, without a token', async () => {
    for (const path of ['/nacos', '/nacos/', '/nacos/configs', '/nacos/services/detail?name=x']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      const html = await res.text();
      expect(html).toContain('<base href="/nacos/" />');
      expect(html).toContain('<meta name="reg-auth" content="on" />');
    }
  });

  it('serves hashed assets as immutable and revalidates with the ETag', async () => {
    const html = await (await get('/nacos/')).text();
    const scripts = [...html.matchAll(/src="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    const res = await get(`/nacos/${scripts[0]}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await res.text()).length).toBeGreaterThan(1000);
    const again = await get(`/nacos/${scripts[0]}`, { 'If-None-Match': res.headers.get('etag') ?? '' });
    expect(again.status).toBe(304);
  });

  it('never shadows the APIs: unknown API paths and missing files stay 404', async () => {
    for (const path of [
      '/nacos/v1/nothing/here',
      '/nacos/actuator/nothing',
      '/nacos/assets/missing.js',
      '/nacos/x.png',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toContain('application/json');
      expect(((await res.json()) as { status: number }).status, path).toBe(404);
    }
    // Secured APIs stay secured; open ones stay open.
    expect((await get('/nacos/v1/cs/configs?dataId=a&group=b')).status).toBe(403);
    expect((await get('/nacos/v1/console/health/liveness')).status).toBe(200);
    expect((await get('/nacos/actuator/prometheus')).status).toBe(200);
    // Outside the context path nothing is served.
    expect((await get('/configs')).status).toBe(404);
    // Path tricks cannot reach the file system: only built files are in the table.
    expect((await get('/nacos/assets/..%2f..%2fpackage.json')).status).toBe(404);
  });
});
