import type { RegistryErrorCode } from '../errors.js';

/** How Nacos answers an error: status and body style (`text` = the message as plain text). */
export interface NacosReply {
  readonly status: number;
  readonly body: 'text' | 'caused';
}

/**
 * Every registry error code and Nacos' answer to it. Checked by the compiler: a new code
 * without a reply does not build.
 */
export const ERROR_REPLIES: Record<RegistryErrorCode, NacosReply> = {
  REG_PARAM_MISSING: { status: 400, body: 'text' },
  REG_PARAM_INVALID: { status: 400, body: 'caused' },
  REG_BODY_INVALID: { status: 400, body: 'caused' },
  REG_NAMING_INVALID: { status: 400, body: 'text' },
  REG_NO_LEADER: { status: 503, body: 'text' },
  REG_CP_TIMEOUT: { status: 500, body: 'text' },
  REG_CONFIG_INVALID: { status: 400, body: 'caused' },
  REG_CONFIG_PARAM_MISSING: { status: 400, body: 'text' },
  REG_CONFIG_CAS_MISMATCH: { status: 500, body: 'caused' },
  REG_CONFIG_NOT_FOUND: { status: 404, body: 'caused' },
  REG_NAMING_NOT_FOUND: { status: 404, body: 'text' },
  REG_NAMING_SERVER_ERROR: { status: 500, body: 'text' },
  REG_AUTH_INVALID: { status: 400, body: 'caused' },
};
