import type { Model } from '../types.js';
import { hashString, partitionBy, showValue } from './helpers.js';

/** An operation on a key-value store, as given to {@link kvModel}. */
export type KvModelInput =
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'put'; readonly key: string; readonly value: string }
  | { readonly op: 'append'; readonly key: string; readonly value: string }
  | { readonly op: 'delete'; readonly key: string };

/**
 * What a key-value operation answered: the key's value after the operation (for `get`, the
 * value read; for `append`, the concatenation), `null` when the key is absent. Leave `output`
 * undefined when the answer was not observed (a write acknowledged without a value).
 */
export type KvModelOutput = string | null;

/**
 * The state of one key: its value, or `null` when absent. The model is partitioned per key, so
 * every state describes a single key.
 */
export type KvModelState = string | null;

const describeKv = (input: KvModelInput, output: KvModelOutput | undefined): string => {
  const call =
    input.op === 'get' || input.op === 'delete'
      ? `${input.op}(${JSON.stringify(input.key)})`
      : `${input.op}(${JSON.stringify(input.key)}, ${JSON.stringify(input.value)})`;
  return output === undefined ? call : `${call} -> ${showValue(output)}`;
};

/**
 * A linearizable key-value store: `get`, `put`, `append` (to the current value, or to the empty
 * string when absent) and `delete`, partitioned per key. This is the model for the example
 * `KvStateMachine` of `@reg/raft/testing` (map its `undefined` "absent" to `null`).
 */
export function kvModel(): Model<KvModelState, KvModelInput, KvModelOutput> {
  return {
    init: () => null,
    step(state, input, output) {
      let after: KvModelState;
      switch (input.op) {
        case 'get':
          after = state;
          break;
        case 'put':
          after = input.value;
          break;
        case 'append':
          after = (state ?? '') + input.value;
          break;
        case 'delete':
          after = null;
          break;
        default:
          return [false, state];
      }
      return output === undefined || output === after ? [true, after] : [false, state];
    },
    equal: (a, b) => a === b,
    hash: (s) => (s === null ? 0x9e3779b9 : hashString(s)),
    partition: partitionBy<KvModelInput, KvModelOutput>((input) => input.key),
    describeOperation: describeKv,
    describeState: showValue,
  };
}
