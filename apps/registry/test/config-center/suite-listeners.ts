import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client, uniqueId } from './http-client.js';
import type { ConfigRegistry } from './registry-harness.js';

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
const W = '\u0002';
const L = '\u0001';

/** Long polling: the same cases on every storage. Hold times are shortened by the harness properties. */
export function listenerRoutesSuite(name: string, start: () => Promise<ConfigRegistry>, skip = false): void {
  describe.skipIf(skip).sequential(`config listener on ${name}`, () => {
    let server: ConfigRegistry;
    let call: Client;
    beforeAll(async () => {
      server = await start();
      call = client(server.base);
    });
    afterAll(async () => {
      await server?.close();
    });

    const publish = (dataId: string, content: string, tenant = '') =>
      call('POST', '/v1/cs/configs', { form: { dataId, group: 'DEFAULT_GROUP', content, tenant } });
    const poll = (listening: string, timeoutMs: number | undefined, headers: Record<string, string> = {}) =>
      call('POST', '/v1/cs/configs/listener', {
        form: { 'Listening-Configs': listening },
        headers:
          timeoutMs === undefined ? headers : { 'Long-Pulling-Timeout': String(timeoutMs), ...headers },
      });

    it('answers at once, URL-encoded, when the client holds another md5', async () => {
      const dataId = uniqueId('lp');
      await publish(dataId, 'v1');
      const started = Date.now();
      const res = await poll(`${dataId}${W}DEFAULT_GROUP${W}${md5('old')}${L}`, 30_000);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(res.status).toBe(200);
      expect(res.text).toBe(`${dataId}%02DEFAULT_GROUP%01\n`);
      expect(res.headers.get('cache-control')).toBe('no-cache,no-store');
    });

    it('holds an up-to-date client and answers empty after the hold (timeout - 500 ms)', async () => {
      const dataId = uniqueId('lp');
      await publish(dataId, 'v1');
      const started = Date.now();
      const res = await poll(`${dataId}${W}DEFAULT_GROUP${W}${md5('v1')}${L}`, 1_300);
      const held = Date.now() - started;
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      expect(held).toBeGreaterThanOrEqual(750);
      expect(held).toBeLessThan(1_300);
    });

    it('holds a client without content for an absent config (md5 "") instead of spinning', async () => {
      const res = await poll(`${uniqueId('absent')}${W}DEFAULT_GROUP${W}${L}`, 1_000);
      expect(res.text).toBe('');
    });

    it('answers a held poll with just the changed key when it is published, and on delete', async () => {
      const [a, b] = [uniqueId('lp'), uniqueId('lp')];
      await publish(a, 'a1');
      const listening = `${a}${W}DEFAULT_GROUP${W}${md5('a1')}${L}${b}${W}DEFAULT_GROUP${W}${W}dev${L}`;
      const held = poll(listening, 5_500);
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      await publish(b, 'b1', 'dev');
      const res = await held;
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(res.text).toBe(`${b}%02DEFAULT_GROUP%02dev%01\n`);
      const again = poll(`${a}${W}DEFAULT_GROUP${W}${md5('a1')}${L}`, 5_500);
      await new Promise((r) => setTimeout(r, 300));
      await call('DELETE', '/v1/cs/configs', { query: { dataId: a, group: 'DEFAULT_GROUP' } });
      expect((await again).text).toBe(`${a}%02DEFAULT_GROUP%01\n`);
    });

    it('answers at once with No-Hangup even when nothing changed', async () => {
      const started = Date.now();
      const res = await poll(`${uniqueId('nh')}${W}DEFAULT_GROUP${W}${L}`, 30_000, {
        'Long-Pulling-Timeout-No-Hangup': 'true',
      });
      expect([res.status, res.text]).toEqual([200, '']);
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('short-polls without the timeout header: changes in the body and Probe-Modify headers', async () => {
      const dataId = uniqueId('sp');
      await publish(dataId, 'v');
      const res = await poll(`${dataId}${W}DEFAULT_GROUP${W}${L}`, undefined);
      expect(res.text).toBe(`${dataId}%02DEFAULT_GROUP%01\n`);
      expect(res.headers.get('probe-modify-response')).toBe(`${dataId}:DEFAULT_GROUP;`);
    });

    it('refuses malformed Listening-Configs and timeouts with 400', async () => {
      for (const bad of ['', 'no-separators', `a${W}G${W}${md5('x')}`, `a${W}G${L}`, `../x${W}G${W}${L}`]) {
        const res = await poll(bad, 30_000);
        expect(res.status, JSON.stringify(bad)).toBe(400);
        expect(res.text).toBe('caused: invalid probeModify;');
      }
      expect((await poll(`a${W}G${W}${L}`, Number.NaN)).status).toBe(400);
      expect(server.registry.http.server.listening).toBe(true);
    });

    it('frees a held poll when its client goes away', async () => {
      const abort = new AbortController();
      const dataId = uniqueId('gone');
      const held = call('POST', '/v1/cs/configs/listener', {
        form: { 'Listening-Configs': `${dataId}${W}DEFAULT_GROUP${W}${L}` },
        headers: { 'Long-Pulling-Timeout': '5500' },
        signal: abort.signal,
      }).catch((err: Error) => err.name);
      await new Promise((r) => setTimeout(r, 200));
      abort.abort();
      expect(await held).toBe('AbortError');
      // The hub drops it: a publish afterwards has nobody to answer, and the server stays healthy.
      await publish(dataId, 'x');
      expect((await call('GET', '/v1/console/health/liveness')).status).toBe(200);
    });

    it('answers held polls empty when the server closes, so close does not wait for them', async () => {
      const local = await start();
      const localCall = client(local.base);
      const held = localCall('POST', '/v1/cs/configs/listener', {
        form: { 'Listening-Configs': `${uniqueId('close')}${W}DEFAULT_GROUP${W}${L}` },
        headers: { 'Long-Pulling-Timeout': '30000' },
      });
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      await local.close();
      expect(Date.now() - started).toBeLessThan(3_000);
      expect((await held).text).toBe('');
    });
  });
}
