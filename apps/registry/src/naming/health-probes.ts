import { request } from 'node:http';
import { connect } from 'node:net';
import type { HealthChecker } from './model.js';

/** A probe's verdict. `soft` failures (HTTP 503/302) count toward `checkTimes`; hard ones flip at once. */
export type ProbeResult = 'ok' | 'soft-fail' | 'fail';

/** Nacos' TCP checker connects with a 500 ms timeout; HTTP gets the same budget per request. */
export const PROBE_TIMEOUT_MS = 500;

export type Probe = (ip: string, port: number, checker: HealthChecker) => Promise<ProbeResult>;

/** Connect and close: the port accepting a connection is health. */
export function tcpProbe(ip: string, port: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port });
    const done = (result: ProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done('fail'), timeoutMs);
    socket.once('connect', () => done('ok'));
    socket.once('error', () => done('fail'));
  });
}

/**
 * `GET http://ip:port<path>` with the checker's `k=v|k2=v2` headers: the expected status (200 by
 * default) is health; 503 and 302 are soft failures, as in Nacos; anything else fails at once.
 */
export function httpProbe(
  ip: string,
  port: number,
  checker: Extract<HealthChecker, { type: 'HTTP' }>,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ProbeResult> {
  const path = checker.path.startsWith('/') ? checker.path : `/${checker.path}`;
  const headers: Record<string, string> = { 'User-Agent': 'Nacos-Server' };
  for (const pair of checker.headers.split('|')) {
    const eq = pair.indexOf('=');
    if (eq > 0) headers[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  const expected = checker.expectedResponseCode > 0 ? checker.expectedResponseCode : 200;
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const req = request({ host: ip, port, path, method: 'GET', headers, agent: false }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      done(status === expected ? 'ok' : status === 503 || status === 302 ? 'soft-fail' : 'fail');
    });
    const timer = setTimeout(() => done('fail'), timeoutMs);
    req.once('error', () => done('fail'));
    req.end();
  });
}

/** The probe for a cluster's checker; MYSQL and NONE are never probed (undefined). */
export const defaultProbe: Probe = (ip, port, checker) => {
  if (checker.type === 'TCP') return tcpProbe(ip, port);
  if (checker.type === 'HTTP') return httpProbe(ip, port, checker);
  return Promise.resolve('ok');
};
