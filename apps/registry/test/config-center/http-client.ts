/** A small HTTP client for the config routes, sending what the Node config SDK sends. */
export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
  json(): unknown;
}

export interface RequestOptions {
  readonly query?: Record<string, string>;
  readonly form?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
}

export function client(base: string) {
  return async function request(method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
    const url = new URL(base + path);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.form !== undefined) {
      // The Node SDK's spelling: `utf8`, which strict parsers refuse.
      headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf8';
      body = new URLSearchParams(options.form).toString();
    }
    const res = await fetch(url, {
      method,
      headers,
      body,
      signal: options.signal ?? AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, text, headers: res.headers, json: () => JSON.parse(text) };
  };
}

export type Client = ReturnType<typeof client>;

/** A dataId no other test uses. */
let counter = 0;
export function uniqueId(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}-${Date.now().toString(36)}`;
}
