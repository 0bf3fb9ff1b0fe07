import type { KvModelInput, KvModelOutput, Operation } from '../../src/testing/linearizability/index.js';

/** Builds a KV operation; `ret` defaults to Infinity (never returned). */
export function kv(
  clientId: number,
  input: KvModelInput,
  output: KvModelOutput | undefined,
  call: number,
  ret: number = Number.POSITIVE_INFINITY,
): Operation<KvModelInput, KvModelOutput> {
  return { clientId, input, output, call, return: ret };
}

export const get = (key: string): KvModelInput => ({ op: 'get', key });
export const put = (key: string, value: string): KvModelInput => ({ op: 'put', key, value });
export const append = (key: string, value: string): KvModelInput => ({ op: 'append', key, value });
export const del = (key: string): KvModelInput => ({ op: 'delete', key });
