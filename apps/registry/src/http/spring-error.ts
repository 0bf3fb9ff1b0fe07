import type { FastifyReply, FastifyRequest } from 'fastify';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/**
 * Spring Boot's JSON error body, which Nacos returns wherever no controller answers
 * (unknown paths, filters calling `sendError`).
 */
export function sendSpringError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message = 'No message available',
): FastifyReply {
  return reply
    .code(status)
    .type('application/json;charset=UTF-8')
    .send({
      timestamp: new Date().toISOString(),
      status,
      error: REASONS[status] ?? 'Error',
      message,
      path: request.url.split('?')[0],
    });
}
