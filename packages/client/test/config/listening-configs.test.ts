import { describe, expect, it } from 'vitest';
import { decodeChangedConfigs, encodeListeningConfigs } from '../../src/config/listening-configs.js';

describe('Listening-Configs', () => {
  it('encodes each config as dataId, group, md5 and (for a namespace) tenant, each record terminated', () => {
    expect(
      encodeListeningConfigs([
        { dataId: 'a', group: 'G', tenant: '', md5: '' },
        { dataId: 'b', group: 'G', tenant: 'ns', md5: 'f00' },
      ]),
    ).toBe('a\u0002G\u0002\u0001b\u0002G\u0002f00\u0002ns\u0001');
  });

  it('decodes the URL-encoded answer, with or without tenants, and an empty answer', () => {
    expect(decodeChangedConfigs('a%02G%01b%02G%02ns%01\n')).toEqual([
      { dataId: 'a', group: 'G', tenant: '' },
      { dataId: 'b', group: 'G', tenant: 'ns' },
    ]);
    expect(decodeChangedConfigs('')).toEqual([]);
    expect(decodeChangedConfigs('\n')).toEqual([]);
  });

  it('reports an answer that is not URL-encoded as CLIENT_BAD_RESPONSE', () => {
    expect(() => decodeChangedConfigs('%E0%A4%A')).toThrow(
      expect.objectContaining({ code: 'CLIENT_BAD_RESPONSE' }),
    );
  });
});
