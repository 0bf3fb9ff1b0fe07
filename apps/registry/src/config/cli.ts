import { parseArgs } from 'node:util';

/** Command-line flags. Flags that stand for a property map onto that property's key. */
export interface CliFlags {
  readonly mode?: string;
  readonly confDir?: string;
  readonly home?: string;
  readonly help: boolean;
  readonly version: boolean;
  /** Property overrides from flags, keyed by property name, e.g. `server.port` from `--port`. */
  readonly properties: ReadonlyMap<string, { value: string; flag: string }>;
}

/** Flags that set a property, and the property each sets. */
const PROPERTY_FLAGS = {
  port: 'server.port',
  address: 'server.address',
  ip: 'nacos.inetutils.ip-address',
  'data-dir': 'reg.data.dir',
  'member-list': 'nacos.member.list',
  'log-level': 'reg.log.level',
} as const;

export const USAGE = `Usage: reg-registry [options]

  -m, --mode <standalone|cluster>  run mode (default: cluster, as Nacos' startup.sh)
      --port <n>                   HTTP port (server.port, default 8848); peers use port - 1000
      --address <ip>               address to bind (server.address, default all interfaces)
      --ip <ip|host>               address this member announces (nacos.inetutils.ip-address)
      --home <dir>                 home directory (nacos.home); conf/ and data/ live under it
      --conf-dir <dir>             directory holding application.properties (default <home>/conf)
      --data-dir <dir>             data directory (reg.data.dir, default <home>/data)
  -c, --member-list <a,b,c>        cluster members (nacos.member.list)
      --log-level <level>          trace, debug, info, warn, error, fatal or silent
  -h, --help                       print this help
  -v, --version                    print the version

Every property can also be set in <conf-dir>/application.properties or through the environment
(server.port -> SERVER_PORT). Precedence: defaults < file < environment < flags.`;

export class CliError extends Error {
  override name = 'CliError';
}

/** Parses argv (without the node and script entries). Throws `CliError` on unknown or malformed flags. */
export function parseCli(argv: readonly string[]): CliFlags {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
  const { values } = parsed;
  const properties = new Map<string, { value: string; flag: string }>();
  for (const [flag, key] of Object.entries(PROPERTY_FLAGS)) {
    const value = values[flag as keyof typeof PROPERTY_FLAGS];
    if (value !== undefined) properties.set(key, { value, flag: `--${flag}` });
  }
  return {
    ...(values.mode !== undefined && { mode: values.mode }),
    ...(values['conf-dir'] !== undefined && { confDir: values['conf-dir'] }),
    ...(values.home !== undefined && { home: values.home }),
    help: values.help === true,
    version: values.version === true,
    properties,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      mode: { type: 'string', short: 'm' },
      port: { type: 'string' },
      address: { type: 'string' },
      ip: { type: 'string' },
      home: { type: 'string' },
      'conf-dir': { type: 'string' },
      'data-dir': { type: 'string' },
      'member-list': { type: 'string', short: 'c' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
