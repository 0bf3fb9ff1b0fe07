import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { raftNodeIdOf, raftNodeIds } from '../../src/cluster/raft-node-id.js';
import { ConfigError, type RegistryConfig } from '../../src/config/load-config.js';
import { readPlaneSettings } from '../../src/config/plane-settings.js';
import { CommandCodecError, decodeCommand, encodeCommand } from '../../src/consensus/command-codec.js';

describe('Raft node ids', () => {
  it('are FNV-1a 64 of the address, xor-folded to 48 bits (vectors computed independently)', () => {
    expect(raftNodeIdOf('a')).toBe(0xdc4c860143ef);
    expect(raftNodeIdOf('127.0.0.1:8848')).toBe(2947062255987);
    expect(raftNodeIdOf('[::1]:8848')).toBe(146606115798400);
    expect(raftNodeIdOf('10.0.0.1:8848')).toBe(174233700575391);
    for (const id of [raftNodeIdOf('a'), raftNodeIdOf('127.0.0.1:8858')]) {
      expect(Number.isSafeInteger(id) && id > 0 && id < 2 ** 48).toBe(true);
    }
  });

  it('maps every member and refuses two addresses with one id', () => {
    const ids = raftNodeIds(['127.0.0.1:8848', '127.0.0.1:8858', '127.0.0.1:8848']);
    expect(ids.size).toBe(2);
    expect(ids.get('127.0.0.1:8858')).toBe(raftNodeIdOf('127.0.0.1:8858'));
    expect(() => raftNodeIds(['10.0.0.1:8848', '10.0.0.2:8848'], () => 7)).toThrow(
      /members 10\.0\.0\.1:8848 and 10\.0\.0\.2:8848 map to the same Raft node id 7/,
    );
  });
});

function config(mode: 'standalone' | 'cluster', properties: Record<string, string>): RegistryConfig {
  return { mode, properties: new Map(Object.entries(properties)) } as unknown as RegistryConfig;
}

function problems(mode: 'standalone' | 'cluster', properties: Record<string, string>): string[] {
  try {
    readPlaneSettings(config(mode, properties));
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).problems];
  }
}

describe('plane settings', () => {
  it('needs no secret standalone and has defaults', () => {
    expect(readPlaneSettings(config('standalone', {}))).toEqual({
      cpTimeoutMs: 5_000,
      electionTimeoutMs: 1_000,
      clusterSecret: undefined,
      snapshotAfterEntries: 10_000,
    });
  });

  it('reads reg.raft.snapshot.after.entries and refuses values below 100', () => {
    expect(
      readPlaneSettings(config('standalone', { 'reg.raft.snapshot.after.entries': '500' }))
        .snapshotAfterEntries,
    ).toBe(500);
    expect(() => readPlaneSettings(config('standalone', { 'reg.raft.snapshot.after.entries': '5' }))).toThrow(
      /reg\.raft\.snapshot\.after\.entries="5": expected an integer from 100 to 10000000/,
    );
  });

  it('takes reg.cluster.secret, or derives the secret from both Nacos identity keys', () => {
    expect(readPlaneSettings(config('cluster', { 'reg.cluster.secret': 's'.repeat(16) })).clusterSecret).toBe(
      's'.repeat(16),
    );
    const derived = readPlaneSettings(
      config('cluster', {
        'nacos.core.auth.server.identity.key': 'serverIdentity',
        'nacos.core.auth.server.identity.value': 'v'.repeat(20),
      }),
    ).clusterSecret;
    expect(derived).toContain('serverIdentity');
    expect(derived).toContain('v'.repeat(20));
  });

  it('refuses cluster mode without a secret, with a short one, or with half of the identity', () => {
    expect(problems('cluster', {})).toEqual([
      expect.stringMatching(/cluster mode needs a peer secret.*reg\.cluster\.secret/),
    ]);
    expect(problems('cluster', { 'reg.cluster.secret': 'short' })).toEqual([
      'reg.cluster.secret: must be at least 16 characters',
    ]);
    expect(problems('cluster', { 'nacos.core.auth.server.identity.value': 'v'.repeat(20) })).toEqual([
      expect.stringMatching(/^nacos\.core\.auth\.server\.identity\.key is not set/),
    ]);
  });

  it('lists every bad number at once', () => {
    expect(
      problems('standalone', { 'reg.cp.timeout.ms': 'soon', 'reg.raft.election.timeout.ms': '5' }),
    ).toEqual([
      'reg.cp.timeout.ms="soon": expected an integer from 100 to 600000',
      'reg.raft.election.timeout.ms="5": expected an integer from 100 to 60000',
    ]);
  });
});

describe('command codec', () => {
  it('round-trips plain commands', () => {
    const command = { m: 'naming', c: { a: [1, 'x', null, true], b: { nested: 2.5 } }, t: 1_700_000_000_000 };
    expect(decodeCommand(encodeCommand(command))).toEqual(command);
  });

  it('refuses extension types both ways and bytes that are not a command', () => {
    expect(() => encodeCommand({ m: 'x', c: new Date(), t: 1 })).toThrow(CommandCodecError);
    const withDate = new Packr({ useRecords: false }).pack({ m: 'x', c: new Date(), t: 1 });
    expect(() => decodeCommand(withDate)).toThrow(/not plain msgpack data/);
    const packr = new Packr({ useRecords: false });
    expect(() => decodeCommand(packr.pack([1, 2]))).toThrow(/not a command object/);
    expect(() => decodeCommand(packr.pack({ c: 1, t: 1 }))).toThrow(/no module name/);
    expect(() => decodeCommand(packr.pack({ m: 'x', c: 1 }))).toThrow(/no time/);
    expect(() => decodeCommand(new Uint8Array([0xc1]))).toThrow(CommandCodecError);
  });
});
