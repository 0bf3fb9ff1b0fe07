import { describe, expect, it } from 'vitest';
import {
  checkInstanceIp,
  checkWeight,
  defaultInstanceId,
  metadataMillis,
  parseMetadata,
} from '../../src/naming/instance.js';

describe('instance fields', () => {
  it('parses metadata as JSON or k=v pairs, values as strings', () => {
    expect(parseMetadata(undefined)).toEqual({});
    expect(parseMetadata('  ')).toEqual({});
    expect(parseMetadata('{"a":"1","b":2,"c":true,"d":{"x":1}}')).toEqual({
      a: '1',
      b: '2',
      c: 'true',
      d: '{"x":1}',
    });
    expect(parseMetadata('k1=v1,k2=v=2')).toEqual({ k1: 'v1', k2: 'v=2' });
  });

  it('rejects malformed metadata with Nacos wording', () => {
    expect(() => parseMetadata('{"a":')).toThrow('metadata format incorrect:{"a":');
    expect(() => parseMetadata('[1,2]')).toThrow('metadata format incorrect:[1,2]');
    expect(() => parseMetadata('novalue')).toThrow('metadata format incorrect:novalue');
    expect(() => parseMetadata('=v')).toThrow(/metadata format incorrect/);
  });

  it('checks dotted-digit IPs strictly and lets hostnames through', () => {
    expect(checkInstanceIp('10.0.0.1')).toBe('10.0.0.1');
    expect(checkInstanceIp('host-a.example')).toBe('host-a.example');
    expect(() => checkInstanceIp('10.0.0.256')).toThrow(
      'instance format invalid: Your IP address is spelled incorrectly',
    );
    expect(() => checkInstanceIp('1.2.3')).toThrow(/spelled incorrectly/);
  });

  it('bounds weights and raises tiny positive ones', () => {
    expect(checkWeight(0)).toBe(0);
    expect(checkWeight(0.001)).toBe(0.01);
    expect(checkWeight(10_000)).toBe(10_000);
    expect(() => checkWeight(10_000.5)).toThrow(
      'instance format invalid: The weights range from 0.0 to 10000.0',
    );
    expect(() => checkWeight(-1)).toThrow(/weights range/);
    expect(() => checkWeight(Number.NaN)).toThrow(/weights range/);
  });

  it('builds the default instance id', () => {
    expect(defaultInstanceId('10.0.0.1', 8080, 'DEFAULT', 'DEFAULT_GROUP@@orders')).toBe(
      '10.0.0.1#8080#DEFAULT#DEFAULT_GROUP@@orders',
    );
  });

  it('reads timing overrides from metadata', () => {
    expect(
      metadataMillis({ 'preserved.heart.beat.timeout': '3000' }, 'preserved.heart.beat.timeout', 15_000),
    ).toBe(3000);
    expect(
      metadataMillis({ 'preserved.heart.beat.timeout': 'soon' }, 'preserved.heart.beat.timeout', 15_000),
    ).toBe(15_000);
    expect(metadataMillis({}, 'preserved.heart.beat.timeout', 15_000)).toBe(15_000);
  });
});
