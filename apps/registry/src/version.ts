import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The registry's installation directory (the package root, above `dist/` or `src/`). */
export const APP_HOME = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The registry's own version, from its package.json. */
export const VERSION: string = (
  JSON.parse(readFileSync(resolve(APP_HOME, 'package.json'), 'utf8')) as { version: string }
).version;
