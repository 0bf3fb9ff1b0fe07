import { createHmac, timingSafeEqual } from 'node:crypto';

/** The claims this registry puts in a token: Nacos' `sub` (username) and `exp` (seconds since the epoch). */
export interface TokenClaims {
  readonly sub: string;
  readonly exp: number;
}

/** Why a token was refused: `expired` only for a genuine token whose `exp` has passed. */
export type TokenVerdict =
  | { readonly ok: true; readonly claims: TokenClaims }
  | { readonly ok: false; readonly reason: 'invalid' | 'expired' };

/** The one header we issue and accept, as jjwt writes it for Nacos. */
const HEADER = base64url(Buffer.from('{"alg":"HS256"}'));
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** Tokens longer than this are refused before any decoding (a 50-character name fits easily). */
const MAX_TOKEN_LENGTH = 2048;

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function sign(input: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(input).digest();
}

/** Signs `claims` with HMAC-SHA256 (a compact JWS, as Nacos' jjwt tokens). */
export function signToken(claims: TokenClaims, key: Buffer): string {
  const payload = base64url(Buffer.from(JSON.stringify({ sub: claims.sub, exp: claims.exp })));
  const input = `${HEADER}.${payload}`;
  return `${input}.${base64url(sign(input, key))}`;
}

/**
 * Verifies a compact HS256 token: the header must say HS256 and nothing else (`alg: none` and
 * every other algorithm are refused), the signature is compared in constant time, and only then
 * are the claims read. Expiry is checked after the signature, so a forged expired token is
 * `invalid`, not `expired`.
 */
export function verifyToken(token: string, key: Buffer, nowMs: number): TokenVerdict {
  const invalid = { ok: false, reason: 'invalid' } as const;
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return invalid;
  const parts = token.split('.');
  if (parts.length !== 3) return invalid;
  const [header, payload, signature] = parts as [string, string, string];
  if (!BASE64URL.test(header) || !BASE64URL.test(payload) || !BASE64URL.test(signature)) return invalid;

  const headerJson = parseObject(header);
  if (headerJson === undefined || headerJson.alg !== 'HS256') return invalid;
  const extra = Object.keys(headerJson).filter((k) => k !== 'alg' && k !== 'typ');
  if (extra.length > 0 || (headerJson.typ !== undefined && headerJson.typ !== 'JWT')) return invalid;

  // Compare the canonical encoding, so no second spelling of the same signature bytes passes.
  const expected = Buffer.from(base64url(sign(`${header}.${payload}`, key)));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;

  const claims = parseObject(payload);
  if (claims === undefined) return invalid;
  const { sub, exp } = claims;
  if (typeof sub !== 'string' || sub === '' || typeof exp !== 'number' || !Number.isFinite(exp))
    return invalid;
  if (nowMs >= exp * 1000) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { sub, exp } };
}

function parseObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
