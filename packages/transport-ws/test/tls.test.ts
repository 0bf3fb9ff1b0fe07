import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WsTransport } from '../src/index.js';
import { allConnected, closeAll, cluster, waitFor } from './helpers.js';

// A self-signed certificate for 127.0.0.1, made with the openssl CLI (node:crypto cannot issue
// X.509 certificates without a dependency). Without openssl the test is skipped, saying so.
const dir = mkdtempSync(join(tmpdir(), 'reg-tls-'));
const gen = spawnSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ],
  { stdio: 'ignore' },
);
const haveOpenssl = gen.status === 0;
if (!haveOpenssl)
  console.warn('skipping TLS tests: the openssl command is not available to make a test certificate');

let open: WsTransport[] = [];
afterEach(async () => {
  await closeAll(open);
  open = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveOpenssl)('TLS (wss)', () => {
  const key = haveOpenssl ? readFileSync(join(dir, 'key.pem')) : Buffer.alloc(0);
  const cert = haveOpenssl ? readFileSync(join(dir, 'cert.pem')) : Buffer.alloc(0);

  it('connects and serves requests over wss with a trusted certificate', async () => {
    const ts = await cluster(['a', 'b'], { tls: { key, cert, ca: cert } });
    open.push(...ts);
    await allConnected(ts);
    const [a, b] = ts as [WsTransport, WsTransport];
    b.onRequest('echo', (_f, m) => m);
    expect(await a.request('b', 'echo', { over: 'tls' })).toEqual({ over: 'tls' });
  });

  it('refuses to talk to a peer whose certificate it cannot verify', async () => {
    // a trusts nothing extra, so the self-signed cert of b fails verification.
    const ts = await cluster(['a', 'b'], (id) => ({
      tls: id === 'a' ? { key, cert } : { key, cert, ca: cert },
    }));
    open.push(...ts);
    const [a] = ts as [WsTransport, WsTransport];
    await waitFor(() => (a.metrics().peers[0]?.dialFailures ?? 0) >= 2, 'failed dials');
    expect(a.isConnected('b')).toBe(false);
  });
});
