import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { problem, PROBLEM_CONTENT_TYPE, ProblemException } from './problem';
import { ProblemFilter } from './problem.filter';

/**
 * The longest path segment routed. It covers every id the ledger makes or takes: client ids (64), stream ids
 * (`reconciliation-` + 64) and job ids (JOB_ID_PATTERN, up to 200). Longer segments answer 414 problem+json.
 */
export const MAX_PATH_PARAM_LENGTH = 256;

/**
 * Fastify options that keep the framework's own answers in the problem format: errors raised while routing
 * (a segment over MAX_PATH_PARAM_LENGTH, a malformed percent-encoding) and requests too broken to route at all.
 */
export function problemFrameworkOptions(filter = new ProblemFilter()): Pick<FastifyServerOptions, 'routerOptions' | 'frameworkErrors' | 'clientErrorHandler'> {
  return {
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    frameworkErrors: (error, request, reply) => filter.send(reply, error, request),
    clientErrorHandler: answerClientError,
  };
}

/** A request Node's HTTP parser refused (bad request line, headers too large, too slow): a raw problem answer. */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const detail = status === 408 ? 'The request took too long to arrive.'
    : status === 431 ? 'The request headers are larger than the server accepts.'
      : 'The request is not well-formed HTTP.';
  const body = JSON.stringify(problem(status, detail));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/**
 * A known path asked with a method it lacks answers 405 with `Allow`, not 404: routes are noted as they are
 * registered (call this before any route is), and an unrouted request is matched against them by path alone.
 */
export function refuseWrongMethods(fastify: FastifyInstance): void {
  const routes: { path: RegExp; method: string }[] = [];
  fastify.addHook('onRoute', (route) => {
    const path = new RegExp(`^${route.url.split('/').map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : escapeRegExp(segment))).join('/')}$`);
    for (const method of [route.method].flat()) routes.push({ path, method });
  });
  fastify.addHook('onRequest', async (request) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0];
    const allowed = [...new Set(routes.filter((route) => route.path.test(path)).map((route) => route.method))];
    if (allowed.length > 0) {
      throw new ProblemException(problem(405, `${request.method} is not allowed on ${path}; it takes ${allowed.join(', ')}.`), { allow: allowed.join(', ') });
    }
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
