import { Agent, request } from 'node:http';
import { BenchError } from './errors.js';

export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export interface HttpCall {
  readonly method: string;
  /** `http://host:port/path?query` */
  readonly url: string;
  readonly body?: string | Uint8Array;
  readonly headers?: Record<string, string>;
  readonly timeoutMs?: number;
  readonly agent?: Agent;
}

/**
 * One HTTP/1.1 request with node:http (no dependency, and the same client code for every target so
 * comparisons measure the servers, not different clients). Rejects with `BENCH_REQUEST_FAILED` on
 * a connection error or timeout; any status is a reply.
 */
export function httpCall(call: HttpCall): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const url = new URL(call.url);
    const headers: Record<string, string | number> = { ...call.headers };
    if (call.body !== undefined) headers['content-length'] = Buffer.byteLength(call.body);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: call.method,
        headers,
        agent: call.agent,
        timeout: call.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', (err) => reject(new BenchError('BENCH_REQUEST_FAILED', err.message, { cause: err })));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${call.timeoutMs ?? 10_000} ms`)));
    req.on('error', (err) =>
      reject(
        new BenchError('BENCH_REQUEST_FAILED', `${call.method} ${call.url}: ${err.message}`, { cause: err }),
      ),
    );
    req.end(call.body);
  });
}

/** A keep-alive agent with one socket per request in flight (HTTP/1.1 does not multiplex). */
export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, keepAliveMsecs: 10_000 });
}

/** Form-encoded body from a record. */
export function form(fields: Record<string, string | number | boolean>): string {
  return new URLSearchParams(
    Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
}

export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' } as const;
