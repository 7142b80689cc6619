import { StoreUnavailableError } from '../event-store';

/**
 * The client's errors carry a `type` (its ErrorType enum's string values). Matching on it rather than on
 * classes keeps this usable with a stand-in client in tests.
 */
function errorType(error: unknown): string | undefined {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : undefined;
}

export function isWrongExpectedVersion(error: unknown): error is Error & { actualState: unknown } {
  return errorType(error) === 'wrong-expected-version';
}

export function isStreamNotFound(error: unknown): boolean {
  const type = errorType(error);
  return type === 'stream-not-found' || type === 'no-stream';
}

/** The server cannot be reached or refused to serve (no leader, deadline, credentials): HTTP 503, never a bug. */
const UNAVAILABLE_TYPES = new Set(['timeout', 'deadline-exceeded', 'unavailable', 'cancelled', 'not-leader', 'access-denied', 'unknown']);
const UNAVAILABLE_MESSAGES = /failed to connect|connection refused|unavailable|deadline|dns|transport|tcp connect|channel/i;

export function isUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const type = errorType(error);
  if (type !== undefined) return UNAVAILABLE_TYPES.has(type);
  return error instanceof Error && UNAVAILABLE_MESSAGES.test(error.message);
}

export function toStoreError(error: unknown, doing: string): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`kurrentdb event store: ${doing} failed: ${detail}`, error);
}
