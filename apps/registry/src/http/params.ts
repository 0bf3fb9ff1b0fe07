import type { FastifyRequest } from 'fastify';
import { RegistryError } from '../errors.js';

const TRUE_WORDS = new Set(['true', 'on', 'yes', 'y', 't']);

/**
 * Request parameters with servlet `getParameter` semantics, which Nacos relies on: a value
 * may come from the query string or a form body, for every method; the query wins; values
 * are trimmed and a blank value counts as absent.
 */
export class NacosParams {
  constructor(
    private readonly query: URLSearchParams,
    private readonly form: URLSearchParams | undefined,
  ) {}

  static of(request: FastifyRequest): NacosParams {
    const at = request.url.indexOf('?');
    const query = new URLSearchParams(at === -1 ? '' : request.url.slice(at + 1));
    const form = request.body instanceof URLSearchParams ? request.body : undefined;
    return new NacosParams(query, form);
  }

  /** The trimmed value, or undefined when absent or blank. */
  optional(name: string): string | undefined {
    const raw = this.query.get(name) ?? this.form?.get(name) ?? undefined;
    const trimmed = raw?.trim();
    return trimmed === undefined || trimmed === '' ? undefined : trimmed;
  }

  /** The untrimmed value (config content keeps its whitespace); undefined only when absent. */
  raw(name: string): string | undefined {
    return this.query.get(name) ?? this.form?.get(name) ?? undefined;
  }

  /** Nacos' wording for an absent required parameter: `Param 'serviceName' is required.` */
  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined) throw new RegistryError('REG_PARAM_MISSING', `Param '${name}' is required.`);
    return value;
  }

  /** A Java `int`: decimal digits with an optional sign, in 32-bit range. */
  int(name: string, fallback: number): number {
    const value = this.optional(name);
    if (value === undefined) return fallback;
    const n = /^[+-]?\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isInteger(n) || n > 2 ** 31 - 1 || n < -(2 ** 31)) {
      throw new RegistryError('REG_PARAM_INVALID', `For input string: "${value}"`);
    }
    return n;
  }

  /** A Java `double`, as `Double.parseDouble` accepts it (finite decimal notation). */
  double(name: string, fallback: number): number {
    const value = this.optional(name);
    if (value === undefined) return fallback;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/.test(value)) {
      throw new RegistryError('REG_PARAM_INVALID', `For input string: "${value}"`);
    }
    return Number(value.replace(/[dDfF]$/, ''));
  }

  /** commons-lang `BooleanUtils.toBoolean`: true/on/yes/y/t in any case; anything else is false. */
  bool(name: string, fallback: boolean): boolean {
    const value = this.optional(name);
    return value === undefined ? fallback : TRUE_WORDS.has(value.toLowerCase());
  }
}
