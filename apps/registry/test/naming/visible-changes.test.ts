import { describe, expect, it } from 'vitest';
import { VisibleChanges } from '../../src/naming/visible-changes.js';
import { instance } from './fixtures.js';

describe('visible changes', () => {
  it('passes on what clients see and swallows beats', () => {
    const watched = new Set(['s']);
    const v = new VisibleChanges((key) => watched.has(key));
    expect(v.changed('s', [instance('10.0.0.1', { lastBeat: 1 })])).toBe(true);
    expect(v.changed('s', [instance('10.0.0.1', { lastBeat: 2 })])).toBe(false);
    expect(v.changed('s', [instance('10.0.0.1', { lastBeat: 3, healthy: false })])).toBe(true);
    expect(
      v.changed('s', [instance('10.0.0.1', { lastBeat: 3, healthy: false, metadata: { a: '1' } })]),
    ).toBe(true);
    expect(v.changed('s', undefined)).toBe(true);
    expect(v.changed('s', undefined)).toBe(false);
  });

  it('ignores services nobody subscribed to', () => {
    const v = new VisibleChanges(() => false);
    expect(v.changed('s', [instance('10.0.0.1')])).toBe(false);
  });
});
