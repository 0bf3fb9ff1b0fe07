import { describe, expect, it } from 'vitest';
import { errorFromResponse, readableMessage } from '../src/api/api-error.js';
import { metadataToText, textToMetadata } from '../src/lib/metadata-text.js';

describe('metadata text', () => {
  it('round-trips key=value lines, values may contain =', () => {
    const metadata = { version: '1.2', 'url.path': 'a=b' };
    expect(textToMetadata(metadataToText(metadata))).toEqual(metadata);
    expect(textToMetadata('\n a = 1 \n\n')).toEqual({ a: '1' });
  });

  it('refuses a line without a key', () => {
    expect(() => textToMetadata('a=1\nnothing')).toThrow('metadata line 2: expected key=value');
    expect(() => textToMetadata('=x')).toThrow('metadata line 1');
  });
});

describe('API error texts', () => {
  it('reads Spring JSON and Nacos caused: texts', () => {
    expect(readableMessage('{"status":403,"message":"token expired!"}')).toBe('token expired!');
    expect(readableMessage('caused: invalid dataId : a/b;')).toBe('invalid dataId : a/b');
    expect(readableMessage('plain')).toBe('plain');
  });

  it('tells a lost session from a refused permission', () => {
    expect(errorFromResponse(403, '{"message":"user not found!"}').code).toBe('AUTH_REQUIRED');
    expect(errorFromResponse(403, '{"message":"token invalid!"}').code).toBe('AUTH_REQUIRED');
    expect(errorFromResponse(403, '{"message":"authorization failed!"}').code).toBe('FORBIDDEN');
    expect(errorFromResponse(404, 'config data not exist\n').code).toBe('NOT_FOUND');
    expect(errorFromResponse(400, 'caused: x;').code).toBe('BAD_REQUEST');
    expect(errorFromResponse(503, 'server is STARTING now').code).toBe('SERVER');
  });
});
