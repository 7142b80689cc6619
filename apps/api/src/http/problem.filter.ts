import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError, type DomainErrorCode } from '@tongxin/domain';
import {
  IdempotencyKeyReusedError, StoreUnavailableError, UniqueKeyTakenError, WrongExpectedRevisionError,
} from '@tongxin/event-store';
import { InvalidJobIdError, JobPayloadTooLargeError, JobQueueUnavailableError } from '@tongxin/jobs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ContentionError, PreconditionFailedError, ReadModelLaggingError } from '../ledger/errors';
import { problem, PROBLEM_CONTENT_TYPE, ProblemException, type Problem } from './problem';

export const DOMAIN_ERROR_STATUS: Record<DomainErrorCode, number> = {
  ALREADY_EXISTS: 409,
  NOT_FOUND: 404,
  UNKNOWN_REFERENCE: 422,
  INVALID_REFERENCE: 422,
  INVALID_VALUE: 422,
  ALREADY_VOIDED: 409,
  INVALID_TRANSITION: 409,
  REFUND_EXCEEDS_DONATION: 409,
  DISTRIBUTION_EXCEEDS_DONATION: 409,
  INSUFFICIENT_BALANCE: 409,
  DUPLICATE_ENTRY: 409,
  PERIOD_LOCKED: 409,
  PERIOD_ALREADY_LOCKED: 409,
  ALREADY_ERASED: 409,
  ALREADY_MATCHED: 409,
  NOT_MATCHED: 409,
  VOLUNTEER_ERASED: 409,
  NO_VERIFIED_HOURS: 409,
};

/** Framework errors raised before a controller runs (routing, body parsing, multipart limits), by Fastify code. */
const FASTIFY_ERRORS: Record<string, { status: number; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, detail: 'The body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, detail: 'The body is empty; a JSON object is expected.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, detail: 'The body is larger than the server accepts.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, detail: 'Send the body as application/json.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, detail: 'Content-Length does not match the body.' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, detail: 'A path segment is longer than any id the ledger has.' },
  FST_ERR_BAD_URL: { status: 400, detail: 'The URL is not validly percent-encoded.' },
  FST_FIELDS_LIMIT: { status: 400, detail: 'Send only the file, as the multipart part file; no other fields.' },
  FST_PARTS_LIMIT: { status: 400, detail: 'Send only the file, as the multipart part file; no other parts.' },
  FST_FILES_LIMIT: { status: 400, detail: 'Send one file, as the multipart part file.' },
};

/** The multipart parser's own faults (a body cut short, a malformed part) are plain errors naming multipart data. */
function isMalformedMultipart(error: unknown, request: FastifyRequest | undefined): boolean {
  return error instanceof Error && error.constructor === Error && /multipart/i.test(error.message)
    && request?.isMultipart?.() === true;
}

/** Maps every failure to application/problem+json; nothing leaves as an unshaped 500. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.send(http.getResponse<FastifyReply>(), error, http.getRequest<FastifyRequest>());
  }

  /** Also the answer to errors Fastify raises outside Nest (routing: long or malformed path segments). */
  send(reply: FastifyReply, error: unknown, request?: FastifyRequest): void {
    const { body, headers } = this.toProblem(error, request);
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
  }

  toProblem(error: unknown, request?: FastifyRequest): { body: Problem; headers: Record<string, string> } {
    const answer = isMalformedMultipart(error, request)
      ? { body: problem(400, `The multipart body is malformed: ${(error as Error).message}.`), headers: {} }
      : this.classify(error);
    // CONTRACT §0: every 400 names what is wrong; a body-level fault is named by the empty path.
    if (answer.body.status === 400 && !answer.body.errors?.length) answer.body.errors = [{ path: '', message: answer.body.detail }];
    return answer;
  }

  private classify(error: unknown): { body: Problem; headers: Record<string, string> } {
    if (error instanceof ProblemException) return { body: error.problem, headers: error.headers };
    if (error instanceof DomainError) {
      const status = DOMAIN_ERROR_STATUS[error.code] ?? 422;
      const errors = error.field ? [{ path: error.field, message: error.message }] : undefined;
      return { body: problem(status, error.message, { code: error.code, errors }), headers: {} };
    }
    if (error instanceof PreconditionFailedError) {
      return { body: problem(412, error.message, { code: 'STALE_REVISION', currentRevision: error.actual }), headers: { etag: `"${error.actual}"` } };
    }
    if (error instanceof WrongExpectedRevisionError || error instanceof ContentionError) {
      return { body: problem(409, error.message, { code: 'CONCURRENT_CHANGE' }), headers: {} };
    }
    if (error instanceof UniqueKeyTakenError) {
      return { body: problem(409, `An entity with this id exists already (${error.key}).`, { code: 'ALREADY_EXISTS' }), headers: {} };
    }
    if (error instanceof IdempotencyKeyReusedError) {
      return { body: problem(422, 'This Idempotency-Key was used with a different request.', { code: 'IDEMPOTENCY_KEY_REUSED' }), headers: {} };
    }
    if (error instanceof StoreUnavailableError) {
      this.logger.error(error.message, (error.cause as Error | undefined)?.stack);
      return { body: problem(503, 'The event store is unavailable; nothing was recorded. Retry later.', { code: 'STORE_UNAVAILABLE' }), headers: { 'retry-after': '5' } };
    }
    if (error instanceof JobQueueUnavailableError) {
      this.logger.warn(error.message);
      return { body: problem(503, 'The job queue is unavailable; retry later (a request that starts a job started none).', { code: 'JOB_QUEUE_UNAVAILABLE' }), headers: { 'retry-after': '5' } };
    }
    if (error instanceof JobPayloadTooLargeError) return { body: problem(413, error.message, { code: 'JOB_PAYLOAD_TOO_LARGE' }), headers: {} };
    if (error instanceof InvalidJobIdError) return { body: problem(400, error.message, { errors: [{ path: 'id', message: error.message }] }), headers: {} };
    if (error instanceof ReadModelLaggingError) {
      return { body: problem(503, error.message, { code: 'READ_MODEL_LAGGING' }), headers: { 'retry-after': '1' } };
    }
    const fastifyCode = (error as { code?: unknown })?.code;
    if (typeof fastifyCode === 'string' && FASTIFY_ERRORS[fastifyCode]) {
      const { status, detail } = FASTIFY_ERRORS[fastifyCode];
      return { body: problem(status, detail), headers: {} };
    }
    const statusCode = (error as { statusCode?: unknown })?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      // Other client errors Fastify raises itself (e.g. a forbidden __proto__ key in the JSON).
      const detail = (error as Error).message;
      return { body: problem(statusCode, detail), headers: {} };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      if (status >= 500) this.logger.error(error.message, error.stack);
      return { body: problem(status, error.message), headers: {} };
    }
    this.logger.error((error as Error)?.message ?? String(error), (error as Error)?.stack);
    return { body: problem(500, 'An unexpected error occurred; nothing was recorded unless a response said so.'), headers: {} };
  }
}
