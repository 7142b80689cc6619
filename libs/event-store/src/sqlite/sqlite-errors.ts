import { StoreUnavailableError } from '../event-store';

/**
 * SQLite result codes meaning the database itself cannot do the work (locked too long, disk, file, corruption),
 * as opposed to a problem with one request. Extended codes (SQLITE_IOERR_FSYNC…) match by prefix.
 */
const UNAVAILABLE_CODES = [
  'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_READONLY',
  'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_PROTOCOL', 'SQLITE_NOMEM', 'SQLITE_PERM', 'SQLITE_AUTH',
];

export function isUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return UNAVAILABLE_CODES.some((prefix) => code.startsWith(prefix));
  // better-sqlite3 throws a TypeError when the handle is already closed.
  return error instanceof TypeError && /database connection is not open/i.test(error.message);
}

/** Unavailable conditions become StoreUnavailableError (HTTP 503); anything else is a bug and passes through. */
export function toStoreError(error: unknown, doing: string): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (!isUnavailable(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`sqlite event store: ${doing} failed: ${detail}`, error);
}
