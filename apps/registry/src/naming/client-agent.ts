/** Client kinds Nacos recognises from `User-Agent` (fallback `Client-Version`). */
export type ClientKind = 'java' | 'go' | 'c' | 'csharp' | 'dns' | 'python' | 'server' | 'unknown';

export interface ClientAgent {
  readonly kind: ClientKind;
  /** `[major, minor, patch]`, zeros when absent. */
  readonly version: readonly [number, number, number];
}

const PREFIXES: ReadonlyArray<readonly [string, ClientKind]> = [
  ['Nacos-Java-Client', 'java'],
  ['Nacos-SDK-Java', 'java'],
  ['Nacos-Go-Client', 'go'],
  ['Nacos-C-Client', 'c'],
  ['vip-client4cpp', 'c'],
  ['Nacos-CSharp-Client', 'csharp'],
  ['Nacos-DNS', 'dns'],
  ['unit-nginx', 'dns'],
  ['Nacos-Python-Client', 'python'],
  ['Nacos-Server', 'server'],
];

/** Reads the client kind and version from headers, as Nacos' `ClientInfo` does. */
export function parseClientAgent(userAgent: string | undefined, clientVersion?: string): ClientAgent {
  const text = userAgent?.trim() || clientVersion?.trim() || '';
  const match = PREFIXES.find(([prefix]) => text.startsWith(prefix));
  if (!match) return { kind: 'unknown', version: [0, 0, 0] };
  const found = /:v(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  const version: [number, number, number] = [
    Number(found?.[1] ?? 0),
    Number(found?.[2] ?? 0),
    Number(found?.[3] ?? 0),
  ];
  return { kind: match[1], version };
}

export function versionAtLeast(agent: ClientAgent, major: number, minor = 0, patch = 0): boolean {
  const [a, b, c] = agent.version;
  return a !== major ? a > major : b !== minor ? b > minor : c >= patch;
}

/** Java clients from 1.0.0 (and so the Node SDK) see grouped names in `dom` and hosts. */
export function wantsGroupedNames(agent: ClientAgent): boolean {
  return agent.kind === 'java' && versionAtLeast(agent, 1, 0, 0);
}
