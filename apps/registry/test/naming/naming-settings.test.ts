import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load-config.js';
import { readNamingSettings } from '../../src/naming/naming-module.js';

describe('naming settings', () => {
  it('defaults', () => {
    expect(readNamingSettings(new Map())).toEqual({
      beatCheckPeriodMs: 1000,
      healthCheckPeriodMs: 2000,
      emptyServiceTtlMs: 150000,
      pushTarget: 'remote',
      pushAckTimeoutMs: 10000,
    });
  });

  it('reads the keys and reports every bad one at once', () => {
    expect(
      readNamingSettings(
        new Map([
          ['reg.naming.beat.check.period.ms', '200'],
          ['reg.naming.push.target', 'clientIP'],
        ]),
      ),
    ).toMatchObject({ beatCheckPeriodMs: 200, pushTarget: 'clientIP' });
    try {
      readNamingSettings(
        new Map([
          ['reg.naming.beat.check.period.ms', 'fast'],
          ['reg.naming.push.target', 'anywhere'],
          ['reg.naming.push.ack.timeout.ms', '5'],
        ]),
      );
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([
        'reg.naming.push.target="anywhere": expected remote or clientIP',
        'reg.naming.beat.check.period.ms="fast": expected milliseconds from 10 to 3600000',
        'reg.naming.push.ack.timeout.ms="5": expected milliseconds from 10 to 3600000',
      ]);
    }
  });
});
