/**
 * The registry's error catalogue. Handlers throw `RegistryError` with a code; the HTTP layer
 * turns each code into Nacos' status and body through one exhaustive map (`http/error-replies.ts`).
 */
export type RegistryErrorCode =
  /** A required request parameter is absent or blank. */
  | 'REG_PARAM_MISSING'
  /** A request parameter has a value of the wrong form (not a number, out of range...). */
  | 'REG_PARAM_INVALID'
  /** The request body is not what the endpoint accepts. */
  | 'REG_BODY_INVALID'
  /** A naming request Nacos refuses with a 400 and a plain-text reason (bad names, ip, weight, metadata). */
  | 'REG_NAMING_INVALID'
  /** No Raft leader is known (starting, electing, or no quorum): CP writes and reads wait. */
  | 'REG_NO_LEADER'
  /** A CP write or read barrier did not finish in time; a write may or may not have been applied. */
  | 'REG_CP_TIMEOUT'
  /** A config-center request Nacos refuses with a 400 and a `caused: <reason>;` body (bad dataId, group, tenant, content, listener keys). */
  | 'REG_CONFIG_INVALID'
  /** A config-center request lacks a required parameter (Spring's `Required String parameter 'x' is not present`). */
  | 'REG_CONFIG_PARAM_MISSING'
  /** A `casMd5` publish found another md5 stored (Nacos 2.x: `Cas publish fail, server md5 may have changed.`). Nothing was written. */
  | 'REG_CONFIG_CAS_MISMATCH'
  /** A config-center record the request names does not exist (a history row, a namespace). */
  | 'REG_CONFIG_NOT_FOUND'
  /** A naming read names a service, cluster or instance that does not exist (Nacos' 404 texts). */
  | 'REG_NAMING_NOT_FOUND'
  /** A naming request Nacos answers with a 500 and a plain-text reason (`service not found: S@N` on beat). */
  | 'REG_NAMING_SERVER_ERROR'
  /** A user, role or permission request Nacos refuses with a 400 and a `caused: <reason>;` body (`user 'x' already exist!`). */
  | 'REG_AUTH_INVALID';

export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
