/**
 * Spring-style `${name}` and `${name:default}` placeholders in property values, as Nacos'
 * docker images use them (`db.url.0=jdbc:mysql://${MYSQL_SERVICE_HOST}:${MYSQL_SERVICE_PORT:3306}/...`).
 * A name resolves against the other properties first, then the environment.
 */

const PLACEHOLDER = /\$\{([^}:]+)(?::([^}]*))?\}/g;
const MAX_DEPTH = 16;

export class PlaceholderError extends Error {
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message);
    this.name = 'PlaceholderError';
  }
}

/**
 * Returns `value` with every placeholder replaced. `lookup` answers a name from the
 * properties; `env` is consulted when the properties have no such key.
 */
export function resolvePlaceholders(
  key: string,
  value: string,
  lookup: (name: string) => string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const expand = (text: string, chain: readonly string[]): string =>
    text.replace(PLACEHOLDER, (_match, rawName: string, fallback: string | undefined) => {
      const name = rawName.trim();
      if (chain.includes(name) || chain.length > MAX_DEPTH) {
        throw new PlaceholderError(
          `circular placeholder \${${name}} (${[...chain, name].join(' -> ')})`,
          key,
        );
      }
      const found = lookup(name) ?? env[name];
      if (found !== undefined) return expand(found, [...chain, name]);
      if (fallback !== undefined) return expand(fallback, chain);
      throw new PlaceholderError(
        `unresolved placeholder \${${name}}: no property or environment variable of that name`,
        key,
      );
    });
  return expand(value, [key]);
}
