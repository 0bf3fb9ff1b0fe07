import { ApiError, errorFromResponse } from './api-error.js';
import { currentSession, saveSession } from './session.js';

export type Params = Record<string, string | number | boolean | undefined>;

/** The API root: the page's `<base href>` is the context path (`/nacos/`). */
export function apiUrl(path: string): string {
  return new URL(path.replace(/^\//, ''), document.baseURI).toString();
}

function encode(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) search.set(key, String(value));
  }
  return search.toString();
}

/**
 * One API call. GET and DELETE carry parameters in the query, writes as a form body (what the
 * Nacos endpoints read). A session the server no longer accepts is dropped, so the page asks
 * for a new login.
 */
export async function call(method: string, path: string, params: Params = {}): Promise<string> {
  const headers: Record<string, string> = {};
  const session = currentSession();
  if (session) headers.Authorization = `Bearer ${session.accessToken}`;
  const query = encode(params);
  const inBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
  let url = apiUrl(path);
  let body: string | undefined;
  if (inBody) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
    body = query;
  } else if (query) {
    url += `?${query}`;
  }
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body, cache: 'no-store' });
  } catch (err) {
    throw new ApiError('NETWORK', `the registry did not answer (${(err as Error).message})`);
  }
  const text = await response.text();
  if (response.ok) return text;
  const error = errorFromResponse(response.status, text);
  if (error.code === 'AUTH_REQUIRED' && session) saveSession(undefined);
  throw error;
}

export async function callJson<T>(method: string, path: string, params: Params = {}): Promise<T> {
  const text = await call(method, path, params);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError('SERVER', `unexpected answer from ${path}: ${text.slice(0, 120)}`);
  }
}

/** Nacos' `RestResult`: `{ code, message, data }`; a code other than 200 is a refusal. */
export async function callRest<T>(method: string, path: string, params: Params = {}): Promise<T> {
  const result = await callJson<{ code: number; message: string | null; data: T }>(method, path, params);
  if (result.code !== 200) throw new ApiError('BAD_REQUEST', result.message ?? `code ${result.code}`);
  return result.data;
}
