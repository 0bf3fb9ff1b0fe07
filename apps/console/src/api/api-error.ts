/** Why a call failed, for the page to decide: sign in again, say "not allowed", or show the text. */
export type ApiErrorCode = 'AUTH_REQUIRED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_REQUEST' | 'SERVER' | 'NETWORK';

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly status = 0,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The registry's 403 texts that mean "no valid session" rather than "not permitted". */
const SESSION_PROBLEMS = new Set(['user not found!', 'token expired!', 'token invalid!']);

/**
 * Turns a refused answer into an ApiError. Bodies are Nacos' plain `caused: x;` texts or
 * Spring's JSON `{ message }`.
 */
export function errorFromResponse(status: number, body: string): ApiError {
  const text = readableMessage(body) || `HTTP ${status}`;
  if (status === 403)
    return new ApiError(SESSION_PROBLEMS.has(text) ? 'AUTH_REQUIRED' : 'FORBIDDEN', text, status);
  if (status === 404) return new ApiError('NOT_FOUND', text, status);
  if (status >= 400 && status < 500) return new ApiError('BAD_REQUEST', text, status);
  return new ApiError('SERVER', text, status);
}

export function readableMessage(body: string): string {
  const trimmed = body.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      // not JSON after all: fall through to the text
    }
  }
  const caused = /^caused: (.*?);/.exec(trimmed);
  return (caused?.[1] ?? trimmed).slice(0, 300);
}
