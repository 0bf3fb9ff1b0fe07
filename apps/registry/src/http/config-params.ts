import type { FastifyRequest } from 'fastify';
import { RegistryError } from '../errors.js';
import { NacosParams } from './params.js';

/**
 * Parameters of the config and namespace routes: servlet semantics as {@link NacosParams}, with
 * Spring's wording for an absent `@RequestParam` (config controllers declare them that way).
 */
export class ConfigParams {
  readonly #params: NacosParams;

  constructor(params: NacosParams) {
    this.#params = params;
  }

  static of(request: FastifyRequest): ConfigParams {
    return new ConfigParams(NacosParams.of(request));
  }

  /** Trimmed, undefined when absent or blank. */
  optional(name: string): string | undefined {
    return this.#params.optional(name);
  }

  /** Untrimmed (content keeps its whitespace); undefined only when absent. */
  raw(name: string): string | undefined {
    return this.#params.raw(name);
  }

  /**
   * Spring's `@RequestParam` String: absent is 400 `Required String parameter 'x' is not
   * present`; present but blank passes as `''` (the console searches with `dataId=&group=`), so
   * the controller's own check words the refusal (`invalid dataId : `).
   */
  required(name: string): string {
    const value = this.#params.raw(name);
    if (value === undefined) throw missing(name, 'String');
    return value.trim();
  }

  /** A required Java `int` (bad digits: 400 `For input string`). */
  requiredInt(name: string): number {
    if (this.#params.optional(name) === undefined) throw missing(name, 'int');
    return this.#params.int(name, 0);
  }

  int(name: string, fallback: number): number {
    return this.#params.int(name, fallback);
  }

  bool(name: string, fallback: boolean): boolean {
    return this.#params.bool(name, fallback);
  }
}

function missing(name: string, type: 'String' | 'int'): RegistryError {
  return new RegistryError('REG_CONFIG_PARAM_MISSING', `Required ${type} parameter '${name}' is not present`);
}

/** The caller's address as history rows keep it: IPv4-mapped IPv6 shown as plain IPv4. */
export function clientIp(request: FastifyRequest): string {
  const ip = request.ip ?? '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
