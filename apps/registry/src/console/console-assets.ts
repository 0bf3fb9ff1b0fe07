import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';

/** One built file of the console, held in memory: the whole build is a few hundred KiB. */
export interface ConsoleAsset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

/** The console build: `index.html` (its `<base href>` set to the context path) and `assets/*`. */
export interface ConsoleAssets {
  readonly where: string;
  readonly index: ConsoleAsset;
  /** Files by path relative to the build folder, with `/` separators (`assets/index-x.js`). */
  readonly files: ReadonlyMap<string, ConsoleAsset>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** What the page learns from the server before its first API call. */
export interface ConsolePageSettings {
  readonly contextPath: string;
  /**
   * `nacos.core.auth.enabled`: the page shows the login form first instead of finding out from
   * a refused call (which browsers log as an error).
   */
  readonly authEnabled: boolean;
}

/** Where `@reg/console` keeps its build, found through the workspace link in node_modules. */
export function consoleBuildDir(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('@reg/console/package.json');
    return join(dirname(manifest), 'dist');
  } catch {
    return undefined;
  }
}

/**
 * Reads the build into memory, or answers undefined when there is none (the registry then runs
 * without a console and says so in its log). Request paths are looked up in this map only, so
 * no request can reach the file system.
 */
export function loadConsoleAssets(
  dir: string | undefined,
  settings: ConsolePageSettings,
): ConsoleAssets | undefined {
  if (dir === undefined || !existsSync(join(dir, 'index.html'))) return undefined;
  const files = new Map<string, ConsoleAsset>();
  for (const file of listFiles(dir)) {
    const path = relative(dir, file).split(sep).join('/');
    if (path === 'index.html') continue;
    files.set(path, asset(readFileSync(file), extname(file)));
  }
  const html = readFileSync(join(dir, 'index.html'), 'utf8')
    .replace(/<base href="[^"]*"\s*\/?>/, `<base href="${escapeAttribute(`${settings.contextPath}/`)}" />`)
    .replace(
      /<meta name="reg-auth" content="[^"]*"\s*\/?>/,
      `<meta name="reg-auth" content="${settings.authEnabled ? 'on' : 'off'}" />`,
    );
  return { where: dir, index: asset(Buffer.from(html), '.html'), files };
}

function asset(body: Buffer, extension: string): ConsoleAsset {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream', etag };
}

function listFiles(dir: string, depth = 0): string[] {
  if (depth > 4) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, depth + 1));
    else out.push(full);
  }
  return out;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
