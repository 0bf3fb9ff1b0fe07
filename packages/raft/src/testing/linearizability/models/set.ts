import type { Model } from '../types.js';
import { hashString } from './helpers.js';

/** An operation on a set of strings, as given to {@link setModel}. */
export type SetModelInput =
  | { readonly op: 'add'; readonly value: string }
  | { readonly op: 'remove'; readonly value: string }
  | { readonly op: 'contains'; readonly value: string }
  | { readonly op: 'read' };

/**
 * What a set operation answered: `add`/`remove` whether the set changed, `contains` whether the
 * value was there, `read` the members in any order. `undefined` when not observed.
 */
export type SetModelOutput = boolean | readonly string[];

/** The set's members, sorted and without duplicates. */
export type SetModelState = readonly string[];

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function insertSorted(s: readonly string[], v: string): readonly string[] {
  let i = 0;
  while (i < s.length && (s[i] as string) < v) i++;
  return [...s.slice(0, i), v, ...s.slice(i)];
}

/**
 * A set of strings (`add`, `remove`, `contains`, `read` of all members), for membership-like
 * workloads: registered instances of a service, subscribers. Not partitioned, since `read`
 * observes every member; states are sorted arrays, so keep sets to a few hundred members.
 */
export function setModel(): Model<SetModelState, SetModelInput, SetModelOutput> {
  return {
    init: () => [],
    step(state, input, output) {
      if (input.op === 'read') {
        if (output === undefined) return [true, state];
        if (!Array.isArray(output)) return [false, state];
        const seen = [...new Set(output as readonly string[])].sort();
        return seen.length === output.length && sameMembers(seen, state) ? [true, state] : [false, state];
      }
      const has = state.includes(input.value);
      if (input.op === 'contains')
        return output === undefined || output === has ? [true, state] : [false, state];
      if (input.op === 'add') {
        if (output !== undefined && output !== !has) return [false, state];
        return [true, has ? state : insertSorted(state, input.value)];
      }
      if (input.op === 'remove') {
        if (output !== undefined && output !== has) return [false, state];
        return [true, has ? state.filter((v) => v !== input.value) : state];
      }
      return [false, state];
    },
    equal: sameMembers,
    hash: (s) => hashString(s.join('\u0000')),
    describeOperation(input, output) {
      const call = input.op === 'read' ? 'read()' : `${input.op}(${JSON.stringify(input.value)})`;
      return output === undefined ? call : `${call} -> ${JSON.stringify(output)}`;
    },
    describeState: (s) => JSON.stringify(s),
  };
}
