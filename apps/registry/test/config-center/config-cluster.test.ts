import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, uniqueId } from './http-client.js';
import { type ConfigRegistry, createTestDatabase, startConfigCluster } from './registry-harness.js';

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
const W = '\u0002';
const L = '\u0001';

/**
 * Three members in this process: writes at any member, long polls answered at every member,
 * linearizable reads everywhere, CAS decided once. Embedded storage replicates through the log;
 * MySQL storage shares one database and notifies through the log.
 */
const database = await createTestDatabase();
afterAll(async () => {
  await database?.drop();
});

function clusterSuite(name: string, properties: Record<string, string> | undefined): void {
  describe
    .skipIf(properties === undefined)
    .sequential(`config center on a 3-member cluster (${name})`, () => {
      let members: ConfigRegistry[] = [];
      beforeAll(async () => {
        members = await startConfigCluster(3, { ...properties, maxContent: String(10 * 1024 * 1024) });
      }, 40_000);
      afterAll(async () => {
        await Promise.all(members.map((m) => m.close()));
      });

      it('answers a poll held at one member when another member publishes, and reads the latest everywhere', async () => {
        const [a, b, c] = members.map((m) => client(m.base));
        if (!a || !b || !c) throw new Error('cluster did not start');
        const dataId = uniqueId('cl');
        const held = b('POST', '/v1/cs/configs/listener', {
          form: { 'Listening-Configs': `${dataId}${W}DEFAULT_GROUP${W}${L}` },
          headers: { 'Long-Pulling-Timeout': '5500' },
        });
        const heldAtC = c('POST', '/v1/cs/configs/listener', {
          form: { 'Listening-Configs': `${dataId}${W}DEFAULT_GROUP${W}${L}` },
          headers: { 'Long-Pulling-Timeout': '5500' },
        });
        await new Promise((r) => setTimeout(r, 300));
        const started = Date.now();
        const published = await a('POST', '/v1/cs/configs', {
          form: { dataId, group: 'DEFAULT_GROUP', content: 'v1' },
        });
        expect(published.text).toBe('true');
        expect((await held).text).toBe(`${dataId}%02DEFAULT_GROUP%01\n`);
        expect((await heldAtC).text).toBe(`${dataId}%02DEFAULT_GROUP%01\n`);
        expect(Date.now() - started).toBeLessThan(3_000);
        for (let i = 2; i <= 4; i++) {
          const writer = [a, b, c][i % 3];
          await writer?.('POST', '/v1/cs/configs', {
            form: { dataId, group: 'DEFAULT_GROUP', content: `v${i}` },
          });
          for (const reader of [a, b, c]) {
            expect(
              (await reader('GET', '/v1/cs/configs', { query: { dataId, group: 'DEFAULT_GROUP' } })).text,
            ).toBe(`v${i}`);
          }
        }
      });

      it('decides concurrent CAS publishes at different members once', async () => {
        const calls = members.map((m) => client(m.base));
        const dataId = uniqueId('cas');
        await calls[0]?.('POST', '/v1/cs/configs', { form: { dataId, group: 'G', content: 'base' } });
        const results = await Promise.all(
          calls.flatMap((call, i) =>
            [0, 1].map((j) =>
              call('POST', '/v1/cs/configs', {
                form: { dataId, group: 'G', content: `m${i}-${j}`, casMd5: md5('base') },
              }),
            ),
          ),
        );
        expect(results.filter((r) => r.status === 200)).toHaveLength(1);
        const history = await calls[2]?.('GET', '/v1/cs/history', {
          query: { search: 'accurate', dataId, group: 'G' },
        });
        expect(history?.json()).toMatchObject({ totalCount: 2 });
      });

      it('replicates a config of several MiB (one Raft entry) and keeps serving writes after it', async () => {
        const calls = members.map((m) => client(m.base));
        const big = 'x'.repeat(6 * 1024 * 1024);
        const dataId = uniqueId('big');
        const res = await calls[1]?.('POST', '/v1/cs/configs', {
          form: { dataId, group: 'G', content: big },
        });
        expect(res?.text).toBe('true');
        const after = await calls[2]?.('POST', '/v1/cs/configs', {
          form: { dataId: `${dataId}-next`, group: 'G', content: 's' },
        });
        expect(after?.text).toBe('true');
        for (const call of calls) {
          const got = await call('GET', '/v1/cs/configs', { query: { dataId, group: 'G' } });
          expect(got.headers.get('content-md5')).toBe(md5(big));
        }
      });

      it('shows namespaces created at one member at every member', async () => {
        const calls = members.map((m) => client(m.base));
        const id = uniqueId('ns').replaceAll('.', '_');
        const created = await calls[1]?.('POST', '/v1/console/namespaces', {
          form: { customNamespaceId: id, namespaceName: 'N' },
        });
        expect(created?.text).toBe('true');
        for (const call of calls) {
          const res = await call('GET', '/v1/console/namespaces', {
            query: { checkNamespaceIdExist: 'true', customNamespaceId: id },
          });
          expect(res.text).toBe('true');
        }
      });
    });
}

clusterSuite('embedded LevelDB', {});
clusterSuite('MySQL', database?.properties);
