import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors.js';
import {
  applySwitchUpdate,
  DEFAULT_SWITCHES,
  parseSwitchUpdate,
  switchesJson,
} from '../../src/naming/switches.js';

function refusal(entry: string, value: string): { code: string; message: string } {
  try {
    parseSwitchUpdate(entry, value);
  } catch (err) {
    expect(err).toBeInstanceOf(RegistryError);
    return { code: (err as RegistryError).code, message: (err as Error).message };
  }
  throw new Error('expected a refusal');
}

describe('switches', () => {
  it('defaults to Nacos 1.4 values plus serverMode MIXED', () => {
    const json = switchesJson(DEFAULT_SWITCHES);
    expect(json).toMatchObject({
      name: '00-00---000-NACOS_SWITCH_DOMAIN-000---00-00',
      defaultPushCacheMillis: 10000,
      clientBeatInterval: 5000,
      defaultCacheMillis: 3000,
      distroThreshold: 0.7,
      healthCheckEnabled: true,
      pushEnabled: true,
      checkTimes: 3,
      lightBeatEnabled: true,
      defaultInstanceEphemeral: true,
      pushJavaVersion: '0.1.0',
      overriddenServerStatus: null,
      serverMode: 'MIXED',
    });
    expect(json).toHaveProperty('checksum');
  });

  it('parses entries into the fields they change', () => {
    expect(parseSwitchUpdate('serverMode', 'cp')).toEqual({ serverMode: 'CP' });
    expect(parseSwitchUpdate('clientBeatInterval', '3000')).toEqual({ clientBeatInterval: 3000 });
    expect(parseSwitchUpdate('pushCacheMillis', '20000')).toEqual({ defaultPushCacheMillis: 20000 });
    expect(parseSwitchUpdate('check', 'false')).toEqual({ healthCheckEnabled: false });
    expect(parseSwitchUpdate('healthCheckTimes', '1')).toEqual({ checkTimes: 1 });
    expect(parseSwitchUpdate('pushVersion', 'java:v1.2.0')).toEqual({ pushJavaVersion: '1.2.0' });
    expect(parseSwitchUpdate('limitedUrlMap', '/nacos/v1/ns/instance:429')).toEqual({
      limitedUrlMap: { '/nacos/v1/ns/instance': 429 },
    });
    const next = applySwitchUpdate(DEFAULT_SWITCHES, parseSwitchUpdate('distroThreshold', '0.5'));
    expect(next.distroThreshold).toBe(0.5);
    expect(DEFAULT_SWITCHES.distroThreshold).toBe(0.7);
  });

  it('refuses unknown entries and bad values with 400 texts', () => {
    expect(refusal('nope', '1')).toEqual({
      code: 'REG_NAMING_INVALID',
      message: 'update entry not found: nope',
    });
    expect(refusal('serverMode', 'XP').message).toBe('serverMode can only be AP, CP or MIXED, current: XP');
    expect(refusal('clientBeatInterval', 'abc')).toEqual({
      code: 'REG_PARAM_INVALID',
      message: 'For input string: "abc"',
    });
    expect(refusal('pushCacheMillis', '999').message).toBe(
      'min cache time for http or tcp is too small(<10000)',
    );
    expect(refusal('distroThreshold', '0').code).toBe('REG_NAMING_INVALID');
    expect(refusal('pushVersion', 'cobol:1.0').message).toBe('unsupported client type: cobol');
    expect(refusal('overriddenServerStatus', 'SLEEPY').code).toBe('REG_NAMING_INVALID');
  });
});
