/** RFC 9457 problem details, the one error shape of the API. */
export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  code?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 408: 'Request Timeout', 409: 'Conflict', 412: 'Precondition Failed', 413: 'Content Too Large',
  414: 'URI Too Long', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export function problem(status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  const slug = extra.code ? extra.code.toLowerCase().replace(/_/g, '-') : String(status);
  return { type: `https://tongxin.ledger/problems/${slug}`, title: TITLES[status] ?? 'Error', status, detail, ...extra };
}

/** Thrown by HTTP-layer code (guards, pipes, interceptors) for a finished problem answer. */
export class ProblemException extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail);
  }
}

export function badRequest(errors: FieldError[], detail = 'The request has invalid fields.'): ProblemException {
  return new ProblemException(problem(400, detail, { errors }));
}
