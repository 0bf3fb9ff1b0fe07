import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors.js';
import { checkClusterName, serviceKeyOf, toGroupedName } from '../../src/naming/names.js';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).code).toBe('REG_NAMING_INVALID');
    return (err as Error).message;
  }
  throw new Error('expected a RegistryError');
}

describe('grouped names', () => {
  it('adds the group unless the name carries one', () => {
    expect(toGroupedName('orders')).toBe('DEFAULT_GROUP@@orders');
    expect(toGroupedName('orders', 'pay')).toBe('pay@@orders');
    expect(toGroupedName('g@@orders', 'pay')).toBe('g@@orders');
  });

  it('splits a grouped name into its key', () => {
    expect(serviceKeyOf('public', 'DEFAULT_GROUP@@orders')).toEqual({
      namespaceId: 'public',
      groupName: 'DEFAULT_GROUP',
      serviceName: 'orders',
      grouped: 'DEFAULT_GROUP@@orders',
    });
    expect(serviceKeyOf('ns', 'g@@a.b:c_d-e').serviceName).toBe('a.b:c_d-e');
  });

  it('rejects names without a group, an empty group or illegal characters, with Nacos wording', () => {
    expect(messageOf(() => serviceKeyOf('public', 'orders'))).toBe(
      "Param 'serviceName' is illegal, it should be format as 'groupName@@serviceName'",
    );
    expect(messageOf(() => serviceKeyOf('public', '@@orders'))).toBe(
      "Param 'serviceName' is illegal, groupName can't be empty",
    );
    expect(messageOf(() => serviceKeyOf('public', 'g@@'))).toMatch(/should be format as/);
    expect(messageOf(() => serviceKeyOf('public', "g@@a'b"))).toBe(
      "dom name can only have these characters: 0-9a-zA-Z-._:, current: g@@a'b",
    );
    expect(messageOf(() => serviceKeyOf('public', 'g@@../../etc'))).toMatch(/can only have these characters/);
    expect(messageOf(() => serviceKeyOf('public', 'g@@中文'))).toMatch(/can only have these characters/);
  });

  it('allows no underscore in cluster names', () => {
    expect(checkClusterName('DEFAULT')).toBe('DEFAULT');
    expect(checkClusterName('zone-a1')).toBe('zone-a1');
    expect(messageOf(() => checkClusterName('zone_a'))).toBe(
      'cluster name can only have these characters: 0-9a-zA-Z-, current: zone_a',
    );
  });
});
