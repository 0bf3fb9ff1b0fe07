import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type NamingRegistry, startNamingRegistry } from './naming-harness.js';

let reg: NamingRegistry;
let req: ReturnType<typeof client>;
beforeAll(async () => {
  reg = await startNamingRegistry();
  req = client(reg.base);
  // Something stored, to check that refused requests change nothing.
  await req('POST', '/v1/ns/instance', {
    serviceName: 'keep',
    ip: '10.5.0.1',
    port: 1,
    metadata: '{"v":"1"}',
  });
  await req('POST', '/v1/ns/service', { serviceName: 'kept-service', protectThreshold: 0.2 });
});
afterAll(async () => {
  await reg?.close();
});

/** Everything a client can see of the stored data. */
async function snapshot() {
  const names = (await req('GET', '/v1/ns/service/names')).json();
  const keep = (await req('GET', '/v1/ns/instance/list', { serviceName: 'keep' })).json();
  const kept = (await req('GET', '/v1/ns/service', { serviceName: 'kept-service' })).json();
  const switches = (await req('GET', '/v1/ns/operator/switches')).json();
  return { names, hosts: keep.hosts, kept, switches };
}

const register = { serviceName: 'keep', ip: '10.5.0.1', port: 1 };

describe('bad input gets 400 with Nacos texts and changes nothing', () => {
  it('missing and malformed parameters', async () => {
    const before = await snapshot();
    const cases: [string, string, Record<string, string | number>, number, string | RegExp][] = [
      ['POST', '/v1/ns/instance', { ip: '1.1.1.1', port: 1 }, 400, "Param 'serviceName' is required."],
      ['POST', '/v1/ns/instance', { serviceName: 'keep', port: 1 }, 400, "Param 'ip' is required."],
      ['POST', '/v1/ns/instance', { serviceName: 'keep', ip: '1.1.1.1' }, 400, "Param 'port' is required."],
      [
        'POST',
        '/v1/ns/instance',
        { serviceName: 'keep', ip: '1.1.1.1', port: '   ' },
        400,
        "Param 'port' is required.",
      ],
      ['POST', '/v1/ns/instance', { ...register, port: 'x' }, 400, 'caused: For input string: "x";'],
      [
        'POST',
        '/v1/ns/instance',
        { ...register, port: 70000 },
        400,
        'instance format invalid: port out of range: 70000',
      ],
      [
        'POST',
        '/v1/ns/instance',
        { ...register, ip: '300.1.1.1' },
        400,
        'instance format invalid: Your IP address is spelled incorrectly',
      ],
      [
        'POST',
        '/v1/ns/instance',
        { ...register, ip: 'a b' },
        400,
        'instance format invalid: Your IP address is spelled incorrectly',
      ],
      [
        'POST',
        '/v1/ns/instance',
        { ...register, weight: 10001 },
        400,
        'instance format invalid: The weights range from 0.0 to 10000.0',
      ],
      [
        'POST',
        '/v1/ns/instance',
        { ...register, weight: 'heavy' },
        400,
        'caused: For input string: "heavy";',
      ],
      ['POST', '/v1/ns/instance', { ...register, metadata: '{"a":' }, 400, 'metadata format incorrect:{"a":'],
      ['POST', '/v1/ns/instance', { ...register, metadata: '[1]' }, 400, 'metadata format incorrect:[1]'],
      [
        'POST',
        '/v1/ns/instance',
        { ...register, clusterName: 'a_b' },
        400,
        'cluster name can only have these characters: 0-9a-zA-Z-, current: a_b',
      ],
      [
        'POST',
        '/v1/ns/instance',
        { ...register, serviceName: '@@x' },
        400,
        "Param 'serviceName' is illegal, groupName can't be empty",
      ],
      [
        'POST',
        '/v1/ns/instance',
        { ...register, serviceName: 'g@@' },
        400,
        "Param 'serviceName' is illegal, it should be format as 'groupName@@serviceName'",
      ],
      [
        'POST',
        '/v1/ns/instance',
        { ...register, namespaceId: 'a##b' },
        400,
        /^Param 'namespaceId' is illegal/,
      ],
      [
        'PUT',
        '/v1/ns/instance/beat',
        { serviceName: 'keep', beat: '{not json' },
        400,
        /^caused: beat format incorrect/,
      ],
      [
        'PUT',
        '/v1/ns/instance/beat',
        { serviceName: 'keep', beat: '{"port":1}' },
        400,
        'beat format incorrect: ip and port are required',
      ],
      [
        'PUT',
        '/v1/ns/instance/metadata/batch',
        { serviceName: 'keep', metadata: 'a=1', instances: '{' },
        400,
        'instances format incorrect: {',
      ],
      [
        'PUT',
        '/v1/ns/instance/metadata/batch',
        { serviceName: 'keep', metadata: 'a=1', consistencyType: 'x' },
        400,
        'illegal consistencyType: x',
      ],
      [
        'PUT',
        '/v1/ns/operator/switches',
        { entry: 'serverMode', value: 'XP' },
        400,
        'serverMode can only be AP, CP or MIXED, current: XP',
      ],
      [
        'PUT',
        '/v1/ns/operator/switches',
        { entry: 'clientBeatInterval', value: '-5' },
        400,
        'value must be positive: -5',
      ],
    ];
    for (const [method, path, query, status, text] of cases) {
      const r = await req(method, path, query);
      expect([method, path, r.status], JSON.stringify(query)).toEqual([method, path, status]);
      if (typeof text === 'string') expect(r.text).toBe(text);
      else expect(r.text).toMatch(text);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('hostile names: traversal, quotes, unicode and 10k characters are refused', async () => {
    const before = await snapshot();
    const names = [
      '../../etc/passwd',
      "a'b",
      'a"b',
      'a;drop table',
      'dienst-ü',
      '服务',
      'x'.repeat(10_000),
      'a/b',
      'a\\b',
      'a%00b',
    ];
    for (const serviceName of names) {
      for (const [method, path] of [
        ['POST', '/v1/ns/instance'],
        ['POST', '/v1/ns/service'],
        ['GET', '/v1/ns/instance/list'],
      ] as const) {
        const r = await req(method, path, { serviceName, ip: '10.5.1.1', port: 1 });
        expect([serviceName.slice(0, 20), path, r.status]).toEqual([serviceName.slice(0, 20), path, 400]);
        expect(r.text.length).toBeLessThan(400);
      }
    }
    for (const namespaceId of ['../x', 'n"s', 'ns ü', 'n'.repeat(200)]) {
      const r = await req('POST', '/v1/ns/instance', {
        serviceName: 'ok',
        namespaceId,
        ip: '10.5.1.1',
        port: 1,
      });
      expect(r.status).toBe(400);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('hostile values that are legal are stored byte for byte and read back safely', async () => {
    const metadata = { quote: `'"<script>`, path: '../../etc', unicode: 'ü服务😀', nul: 'a\u0001b' };
    const r = await req('POST', '/v1/ns/instance', {
      serviceName: 'odd',
      ip: 'host-name.example',
      port: 1,
      metadata: JSON.stringify(metadata),
    });
    expect(r.text).toBe('ok');
    const hosts = (await req('GET', '/v1/ns/instance/list', { serviceName: 'odd' })).json().hosts;
    expect(hosts[0]).toMatchObject({ ip: 'host-name.example', metadata });
  });

  it('prototype keys in metadata pollute nothing', async () => {
    const raw = '{"__proto__":{"polluted":"yes"},"constructor":"c","ok":"1"}';
    const r = await req('POST', '/v1/ns/instance', {
      serviceName: 'proto',
      ip: '10.5.3.1',
      port: 1,
      metadata: raw,
    });
    expect(r.text).toBe('ok');
    const host = (await req('GET', '/v1/ns/instance/list', { serviceName: 'proto' })).json().hosts[0];
    expect(host.metadata).toMatchObject({ constructor: 'c', ok: '1' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(host.metadata)).toBe(Object.prototype);
  });

  it('oversized metadata and bodies are refused (400 / 413)', async () => {
    const before = await snapshot();
    const big = JSON.stringify(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, 'v'])));
    const r = await req('POST', '/v1/ns/instance', { ...register, metadata: big });
    expect([r.status, r.text]).toEqual([400, 'instance format invalid: metadata or a field is too large']);
    const body = `serviceName=keep&ip=10.5.0.1&port=1&metadata=${'a'.repeat(2 * 1024 * 1024)}`;
    const huge = await req(
      'POST',
      '/v1/ns/instance',
      {},
      { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    );
    expect(huge.status).toBe(413);
    expect(await snapshot()).toEqual(before);
  });

  it('accepts parameters from a form body for PUT and DELETE too', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf8' };
    const put = await req(
      'PUT',
      '/v1/ns/instance',
      {},
      { body: 'serviceName=form&ip=10.5.2.1&port=3&weight=2', headers: form },
    );
    expect(put.status).toBe(400); // Java UA: update of a missing service
    await req('POST', '/v1/ns/instance', {}, { body: 'serviceName=form&ip=10.5.2.1&port=3', headers: form });
    const del = await req(
      'DELETE',
      '/v1/ns/instance',
      {},
      { body: 'serviceName=form&ip=10.5.2.1&port=3', headers: form },
    );
    expect(del.text).toBe('ok');
    expect((await req('GET', '/v1/ns/instance/list', { serviceName: 'form' })).json().hosts).toEqual([]);
  });
});
