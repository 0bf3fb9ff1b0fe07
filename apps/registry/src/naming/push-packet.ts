import { gzipSync } from 'node:zlib';
import { type ClientAgent, versionAtLeast } from './client-agent.js';
import type { Switches } from './switches.js';

/** Nacos compresses push payloads from this size on; clients detect gzip by its magic bytes. */
export const GZIP_THRESHOLD_BYTES = 1024;
/** Receivers read into 64 KiB buffers; larger datagrams would be truncated. */
export const MAX_DATAGRAM_BYTES = 65_000;

/**
 * The datagram of a `dom` push: `{"type":"dom","data":"<list JSON as a string>","lastRefTime":n}`,
 * gzipped from {@link GZIP_THRESHOLD_BYTES}. `lastRefTime` must stay a JS-safe integer: the Node
 * SDK parses it with `JSON.parse` and echoes it back in its ack.
 */
export function encodePush(data: unknown, lastRefTime: number): Buffer {
  const json = JSON.stringify({ type: 'dom', data: JSON.stringify(data), lastRefTime });
  const raw = Buffer.from(json, 'utf8');
  return raw.length >= GZIP_THRESHOLD_BYTES ? gzipSync(raw) : raw;
}

/** A client's answer to a push. */
export interface PushAck {
  readonly type: string;
  readonly lastRefTime: number;
}

/**
 * Reads an ack datagram: `{"type":"push-ack","lastRefTime":n,"data":""}`. The Java client sends
 * `lastRefTime` as a string, Node as a number; both are accepted. Undefined for anything else.
 */
export function decodeAck(datagram: Buffer): PushAck | undefined {
  if (datagram.length > MAX_DATAGRAM_BYTES) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(datagram.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { type, lastRefTime } = parsed as { type?: unknown; lastRefTime?: unknown };
  if (typeof type !== 'string') return undefined;
  const time =
    typeof lastRefTime === 'string' && /^\d{1,16}$/.test(lastRefTime) ? Number(lastRefTime) : lastRefTime;
  if (!Number.isSafeInteger(time)) return undefined;
  return { type, lastRefTime: time as number };
}

/**
 * Whether Nacos pushes to this client: known client kinds at or above the switch's minimum
 * version. Others (including unknown agents) poll.
 */
export function canPush(agent: ClientAgent, switches: Switches): boolean {
  const minimum: Partial<Record<ClientAgent['kind'], string>> = {
    java: switches.pushJavaVersion,
    go: switches.pushGoVersion,
    c: switches.pushCVersion,
    csharp: switches.pushCSharpVersion,
    python: switches.pushPythonVersion,
    dns: switches.pushPythonVersion,
  };
  const version = minimum[agent.kind];
  if (version === undefined) return false;
  const [a = 0, b = 0, c = 0] = version.split('.').map(Number);
  return versionAtLeast(agent, a, b, c);
}
