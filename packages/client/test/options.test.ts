// Constructor options are checked up front (CLIENT_INVALID_OPTION, nothing started), and a call
// with an already aborted signal stops before sending.
import { describe, expect, it } from 'vitest';
import { ConfigClient, NamingClient, type NamingClientOptions } from '../src/index.js';
import { deadPort } from './helpers/registry-process.js';

const invalidOption = expect.objectContaining({ code: 'CLIENT_INVALID_OPTION' });

describe('options', () => {
  it('refuses bad naming options with CLIENT_INVALID_OPTION', () => {
    const bad: Array<Partial<NamingClientOptions>> = [
      { serverAddr: '' },
      { serverAddr: [] },
      { serverAddr: 'a:1', username: 'only-user' },
      { serverAddr: 'a:1', requestTimeoutMs: 0 },
      { serverAddr: 'a:1', requestTimeoutMs: 1.5 },
      { serverAddr: 'a:1', namespace: 'no/slash' },
      { serverAddr: 'a:1', push: { port: 70_000 } },
      { serverAddr: 'a:1', pollIntervalMs: -1 },
      { serverAddr: 'a:1', loadCacheAtStart: 'yes' as unknown as boolean },
    ];
    for (const options of bad) {
      expect(() => new NamingClient(options as NamingClientOptions), JSON.stringify(options)).toThrow(
        invalidOption,
      );
    }
  });

  it('refuses bad config options with CLIENT_INVALID_OPTION', () => {
    expect(() => new ConfigClient({ serverAddr: 'a:1', longPollTimeoutMs: 0 })).toThrow(invalidOption);
    expect(() => new ConfigClient({ serverAddr: 'a:1', contextPath: 7 as unknown as string })).toThrow(
      invalidOption,
    );
  });

  it('an aborted signal stops calls before anything is sent', async () => {
    const serverAddr = `127.0.0.1:${await deadPort()}`;
    const naming = new NamingClient({ serverAddr, push: false, cacheHome: '/nonexistent-reg-client' });
    const config = new ConfigClient({ serverAddr, cacheHome: '/nonexistent-reg-client' });
    const signal = AbortSignal.abort(new Error('stop'));
    await expect(naming.getAllInstances('s', { signal })).rejects.toMatchObject({ code: 'CLIENT_ABORTED' });
    await expect(naming.registerInstance('s', { ip: '1.1.1.1', port: 1, signal })).rejects.toMatchObject({
      code: 'CLIENT_ABORTED',
    });
    await expect(config.getConfig('d', { signal })).rejects.toMatchObject({ code: 'CLIENT_ABORTED' });
    await Promise.all([naming.close(), config.close()]);
  });
});
