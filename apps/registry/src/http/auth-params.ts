import { MAX_PAGE_SIZE } from '@reg/storage';
import { RegistryError } from '../errors.js';
import type { NacosParams } from './params.js';

/**
 * `pageNo` and `pageSize` of the user, role and permission lists: required whole numbers
 * (`pageSize` up to the storage limit). The refusal never echoes the value (CVE-2021-44667 was
 * Nacos echoing these into a page).
 */
export function readPaging(params: NacosParams): { pageNo: number; pageSize: number } {
  const read = (name: string, max: number): number => {
    const raw = params.required(name);
    const n = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new RegistryError('REG_AUTH_INVALID', `${name} must be a whole number from 1 to ${max}`);
    }
    return n;
  };
  return { pageNo: read('pageNo', 1_000_000), pageSize: read('pageSize', MAX_PAGE_SIZE) };
}

/** Nacos' `RestResult` with a message and no data. */
export function restOk(message: string): { code: number; message: string; data: null } {
  return { code: 200, message, data: null };
}

/** A password parameter: untrimmed (spaces are part of a password), required and non-empty. */
export function requiredPassword(params: NacosParams, name: string): string {
  const value = params.raw(name);
  if (value === undefined || value === '') {
    throw new RegistryError('REG_PARAM_MISSING', `Param '${name}' is required.`);
  }
  return value;
}
