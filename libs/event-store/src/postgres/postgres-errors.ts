import { StoreUnavailableError } from '../event-store';

/**
 * Node socket errors and PostgreSQL SQLSTATE classes meaning the server cannot do the work (unreachable,
 * shutting down, out of connections or disk), as opposed to a problem with one request.
 */
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN']);
// 08: connection exception; 53: insufficient resources; 57P0x: shutdown / cannot connect now; 58: system error.
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0|58)/;
// pg raises these without a code when the socket dies or the pool cannot hand out a client.
const UNAVAILABLE_MESSAGES = /connection terminated|not queryable|timeout exceeded when trying to connect|pool (is ending|after calling end)|connection error/i;

export function isUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  return error instanceof Error && UNAVAILABLE_MESSAGES.test(error.message);
}

/** Unavailable conditions become StoreUnavailableError (HTTP 503); anything else is a bug and passes through. */
export function toStoreError(error: unknown, doing: string): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`postgres event store: ${doing} failed: ${detail}`, error);
}

/** SQLSTATE unique_violation and the constraint it names, for mapping a lost race to a domain error. */
export function uniqueViolation(error: unknown): string | undefined {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' ? String(constraint ?? '') : undefined;
}
