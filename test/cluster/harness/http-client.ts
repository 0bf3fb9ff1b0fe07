import { Agent, request } from 'node:http';

/**
 * What became of one HTTP call, classified the way a history needs it:
 * - `answered`: the server sent a status and body;
 * - `refused`: the TCP connection was refused, so the server never saw the request;
 * - `indeterminate`: timeout, reset or anything else after the request may have been sent.
 */
export type HttpOutcome =
  | { readonly kind: 'answered'; readonly status: number; readonly text: string }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'indeterminate'; readonly message: string };

export interface HttpCall {
  readonly method: string;
  /** Path under the server root, e.g. `/nacos/v1/cs/configs`. */
  readonly path: string;
  readonly query?: Record<string, string>;
  /** Sent as `application/x-www-form-urlencoded`. */
  readonly form?: Record<string, string>;
  readonly headers?: Record<string, string>;
  /** A raw body (with `headers` naming its type); ignored when `form` is given. */
  readonly body?: string | Buffer;
  readonly timeoutMs: number;
  /** A new connection closed after the call, instead of a pooled keep-alive one. */
  readonly fresh?: boolean;
}

// One keep-alive agent per port bounds the sockets a long soak opens (no TIME_WAIT storms).
const agents = new Map<number, Agent>();

function agentFor(port: number): Agent {
  let agent = agents.get(port);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: 64 });
    agents.set(port, agent);
  }
  return agent;
}

/** Drops the pooled sockets of `port` (after its process died or was restarted). */
export function resetConnections(port: number): void {
  agents.get(port)?.destroy();
  agents.delete(port);
}

/** One call to 127.0.0.1:`port`; never throws, always settles within `timeoutMs` (plus a tick). */
export function httpCall(port: number, call: HttpCall): Promise<HttpOutcome> {
  const query = call.query ? new URLSearchParams(call.query).toString() : '';
  const path = query ? `${call.path}?${query}` : call.path;
  const headers: Record<string, string> = { ...call.headers };
  let body: string | Buffer | undefined = call.body;
  if (call.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(call.form).toString();
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: HttpOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: call.method,
        path,
        headers,
        agent: call.fresh ? false : agentFor(port),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          finish({
            kind: 'answered',
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', (err) => finish({ kind: 'indeterminate', message: err.message }));
      },
    );
    const timer = setTimeout(() => {
      finish({ kind: 'indeterminate', message: `timeout after ${call.timeoutMs} ms` });
      req.destroy();
    }, call.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') finish({ kind: 'refused', message: err.message });
      else finish({ kind: 'indeterminate', message: `${err.code ?? ''} ${err.message}` });
    });
    req.end(body);
  });
}
