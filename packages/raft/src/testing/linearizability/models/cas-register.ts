import type { Model } from '../types.js';
import { hashString, partitionBy, showValue } from './helpers.js';

/**
 * An operation on a compare-and-set register. `key` names the register (absent: the single
 * register `""`); the model is partitioned per key. `null` is the absent value: `write` of
 * `null` deletes, `cas` with `expected: null` succeeds only while the register is absent.
 */
export type CasRegisterInput =
  | { readonly op: 'read'; readonly key?: string }
  | { readonly op: 'write'; readonly key?: string; readonly value: string | null }
  | {
      readonly op: 'cas';
      readonly key?: string;
      readonly expected: string | null;
      readonly value: string | null;
    };

/**
 * What an operation answered: `read` the value (`null` when absent); `cas` whether it swapped;
 * `write` nothing (its output is ignored). `undefined` when not observed.
 */
export type CasRegisterOutput = string | null | boolean;

/** Options of {@link casRegisterModel}. */
export interface CasRegisterOptions {
  /**
   * Whether the current value satisfies a cas's `expected`. Default: equality. For configs
   * updated with `casMd5`, record the md5 as `expected` and pass
   * `(current, md5) => current !== null && md5Of(current) === md5`.
   */
  readonly matches?: (current: string | null, expected: string | null) => boolean;
  /** The value before the first operation; default `null` (absent). */
  readonly initial?: string | null;
}

const describeCas = (input: CasRegisterInput, output: CasRegisterOutput | undefined): string => {
  const key = input.key === undefined ? '' : `${JSON.stringify(input.key)}, `;
  let call: string;
  if (input.op === 'read') call = `read(${key.slice(0, -2)})`;
  else if (input.op === 'write') call = `write(${key}${showValue(input.value)})`;
  else call = `cas(${key}${showValue(input.expected)} => ${showValue(input.value)})`;
  if (output === undefined) return call;
  return `${call} -> ${typeof output === 'boolean' ? String(output) : showValue(output)}`;
};

/**
 * A compare-and-set register (`read`, `write`, `cas`), partitioned per key: the model for
 * configuration entries written with compare-and-set, as a registry's config service does.
 * A `cas` answered `false` must have found a non-matching value; answered `true`, a matching one.
 */
export function casRegisterModel(
  options: CasRegisterOptions = {},
): Model<string | null, CasRegisterInput, CasRegisterOutput> {
  const matches = options.matches ?? ((current, expected) => current === expected);
  const initial = options.initial ?? null;
  return {
    init: () => initial,
    step(state, input, output) {
      switch (input.op) {
        case 'read':
          return output === undefined || output === state ? [true, state] : [false, state];
        case 'write':
          return [true, input.value];
        case 'cas': {
          const hit = matches(state, input.expected);
          if (output === undefined) return [true, hit ? input.value : state];
          if (output === true) return hit ? [true, input.value] : [false, state];
          if (output === false) return hit ? [false, state] : [true, state];
          return [false, state];
        }
        default:
          return [false, state];
      }
    },
    equal: (a, b) => a === b,
    hash: (s) => (s === null ? 0x9e3779b9 : hashString(s)),
    partition: partitionBy<CasRegisterInput, CasRegisterOutput>((input) => input.key ?? ''),
    describeOperation: describeCas,
    describeState: showValue,
  };
}
