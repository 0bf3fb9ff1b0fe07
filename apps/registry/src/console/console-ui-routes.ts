import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendSpringError } from '../http/spring-error.js';
import type { ConsoleAsset, ConsoleAssets } from './console-assets.js';

export interface ConsoleUiOptions {
  readonly assets: ConsoleAssets;
}

/**
 * Paths (under the context path) that name an API segment anywhere, in any spelling a client or
 * proxy may produce (`//v1/...`, `V1/...`, `nacos/v1/...`, `v1;x/...`): when no API route matched
 * them they answer 404, never the console page.
 */
const API_PATH = /(?:^|[/;])(?:v1|v2|actuator)(?:[/;]|$)/i;

/**
 * Hashed file names never change content, so they are cached for a year; index.html is
 * revalidated every time so a new build is picked up at once.
 */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The console's own policy: scripts and connections to this origin only. CodeMirror injects
 * style elements at run time, hence `'unsafe-inline'` for styles (and only for styles).
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * The web console under the context path: `/` and any console page (`/configs`, `/services/x`)
 * answer index.html, so reloading a deep link works; `assets/*` answer the built files. API
 * paths (`v1/`, `actuator/`) that no route matched still get Spring's 404 JSON, and a missing
 * asset gets a 404 too, so the fallback never hides an API or a broken build.
 */
export async function consoleUiRoutes(app: FastifyInstance, options: ConsoleUiOptions): Promise<void> {
  const { assets } = options;
  app.get('/', async (request, reply) => sendIndex(request, reply, assets.index));
  app.get('/*', async (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    if (API_PATH.test(path)) return sendSpringError(request, reply, 404);
    const file = assets.files.get(path);
    if (file !== undefined) return sendFile(request, reply, file, path.startsWith('assets/'));
    if (path.startsWith('assets/') || /\.[a-z0-9]+$/i.test(path)) return sendSpringError(request, reply, 404);
    return sendIndex(request, reply, assets.index);
  });
}

function sendIndex(request: FastifyRequest, reply: FastifyReply, index: ConsoleAsset): FastifyReply {
  reply.header('Content-Security-Policy', CSP);
  reply.header('X-Frame-Options', 'DENY');
  reply.header('Referrer-Policy', 'no-referrer');
  return sendFile(request, reply, index, false);
}

function sendFile(
  request: FastifyRequest,
  reply: FastifyReply,
  file: ConsoleAsset,
  immutable: boolean,
): FastifyReply {
  reply.header('Cache-Control', immutable ? IMMUTABLE : 'no-cache');
  reply.header('ETag', file.etag);
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.type(file.contentType);
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  return reply.send(file.body);
}
