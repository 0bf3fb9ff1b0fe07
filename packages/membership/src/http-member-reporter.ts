import { request } from 'node:http';
import { MembershipError } from './errors.js';
import type { MemberReporter } from './health-reporter.js';
import type { Member } from './member.js';
import type { NacosMemberJson } from './member-json.js';

/** Options for {@link HttpMemberReporter}. */
export interface HttpMemberReporterOptions {
  /** Servlet context path; default `/nacos`. */
  readonly contextPath?: string;
  /** Extra request headers (e.g. Nacos' `serverIdentity` header when auth is on). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A {@link MemberReporter} speaking Nacos' own endpoint: `POST {contextPath}/v1/core/cluster/report`
 * with the member JSON body, on the target's HTTP port. Success is a 2xx answer; a refused
 * connection rejects with the socket error (`code: 'ECONNREFUSED'`), anything else with a
 * `MembershipError` naming the status.
 */
export class HttpMemberReporter implements MemberReporter {
  readonly #path: string;
  readonly #headers: Readonly<Record<string, string>>;

  constructor(options: HttpMemberReporterOptions = {}) {
    const ctx = options.contextPath ?? '/nacos';
    if (ctx !== '' && (!ctx.startsWith('/') || ctx.endsWith('/'))) {
      throw new MembershipError(
        'MEMBERSHIP_INVALID_OPTION',
        `contextPath must be '' or start with '/' and not end with '/', got '${ctx}'`,
      );
    }
    this.#path = `${ctx}/v1/core/cluster/report`;
    this.#headers = options.headers ?? {};
  }

  report(target: Member, self: NacosMemberJson, signal: AbortSignal): Promise<void> {
    const body = Buffer.from(JSON.stringify(self));
    return new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: target.ip,
          port: target.port,
          method: 'POST',
          path: this.#path,
          signal,
          // A fresh connection per report: a pooled socket to a peer that died would fail with
          // ECONNRESET where a new connect reports the ECONNREFUSED that marks the peer DOWN.
          agent: false,
          headers: {
            ...this.#headers,
            'content-type': 'application/json',
            'content-length': body.length,
          },
        },
        (res) => {
          // Drain the body so the socket is released; the status is the answer.
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else
              reject(
                new MembershipError('MEMBERSHIP_REPORT_FAILED', `${target.address} answered HTTP ${status}`),
              );
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}
