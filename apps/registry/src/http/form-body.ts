import type { FastifyInstance } from 'fastify';

/** Nacos' `maxContent` default is 10 MiB of config content; leave room for the other fields. */
export const MAX_FORM_BODY_BYTES = 12 * 1024 * 1024;

/**
 * Parses `application/x-www-form-urlencoded` bodies for every method, whatever charset the
 * header names: the Node config SDK sends `charset=utf8`, which strict parsers refuse with
 * 415. Bodies are read as UTF-8, as Nacos does.
 */
export function acceptFormBodies(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: MAX_FORM_BODY_BYTES },
    (_request, body, done) => {
      done(null, new URLSearchParams(body as string));
    },
  );
}
