import {
  IdempotencyKeyReusedError, RecordedAtRefusedError, StoreUnavailableError, UniqueKeyTakenError, WrongExpectedRevisionError,
  type AppendResult, type ExpectedRevision,
} from '../event-store';
import type { AppendRequest } from '../append-request';

/** What the writer thread is started with (workerData). */
export interface WriterConfig {
  path: string;
  busyTimeoutMs: number;
  maxGroupSize?: number;
}

/** Main thread → writer thread. Messages on one port arrive in order, so `close` comes after every append sent before it. */
export type ToWriter = { type: 'append'; batch: { id: number; request: AppendRequest }[] } | { type: 'close' };

/** Writer thread → main thread. `outcomes` is posted only after the group's transaction has committed (or failed). */
export type FromWriter =
  | { type: 'outcomes'; ids: number[]; outcomes: WireOutcome[] }
  | { type: 'fatal'; error: WireError }
  | { type: 'closed' };

export type WireOutcome = { ok: true; value: AppendResult } | { ok: false; error: WireError };

/**
 * Errors as plain data. Structured clone keeps only a plain Error's message (and drops the class and
 * own fields of ours), so the store's errors are rebuilt by name on the main thread for `instanceof`.
 */
export type WireError =
  | { kind: 'wrong-expected-revision'; streamId: string; expected: ExpectedRevision; actual: number }
  | { kind: 'idempotency-key-reused'; key: string }
  | { kind: 'unique-key-taken'; key: string; streamId: string }
  | { kind: 'recorded-at-refused'; streamId: string; recordedAt: string; bound: string; reason: RecordedAtRefusedError['reason'] }
  | { kind: 'store-unavailable'; message: string; cause?: WireError }
  | { kind: 'type-error'; message: string }
  | { kind: 'error'; name: string; message: string; code?: string };

export function encodeError(error: unknown): WireError {
  if (error instanceof WrongExpectedRevisionError) {
    return { kind: 'wrong-expected-revision', streamId: error.streamId, expected: error.expected, actual: error.actual };
  }
  if (error instanceof IdempotencyKeyReusedError) return { kind: 'idempotency-key-reused', key: error.key };
  if (error instanceof UniqueKeyTakenError) return { kind: 'unique-key-taken', key: error.key, streamId: error.streamId };
  if (error instanceof RecordedAtRefusedError) {
    return { kind: 'recorded-at-refused', streamId: error.streamId, recordedAt: error.recordedAt, bound: error.bound, reason: error.reason };
  }
  if (error instanceof StoreUnavailableError) {
    return { kind: 'store-unavailable', message: error.message, cause: error.cause === undefined ? undefined : encodeError(error.cause) };
  }
  if (error instanceof TypeError) return { kind: 'type-error', message: error.message };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { kind: 'error', name: error.name, message: error.message, code: typeof code === 'string' ? code : undefined };
  }
  return { kind: 'error', name: 'Error', message: String(error) };
}

export function decodeError(wire: WireError): Error {
  switch (wire.kind) {
    case 'wrong-expected-revision':
      return new WrongExpectedRevisionError(wire.streamId, wire.expected, wire.actual);
    case 'idempotency-key-reused':
      return new IdempotencyKeyReusedError(wire.key);
    case 'unique-key-taken':
      return new UniqueKeyTakenError(wire.key, wire.streamId);
    case 'recorded-at-refused':
      return new RecordedAtRefusedError(wire.streamId, wire.recordedAt, wire.bound, wire.reason);
    case 'store-unavailable':
      return new StoreUnavailableError(wire.message, wire.cause && decodeError(wire.cause));
    case 'type-error':
      return new TypeError(wire.message);
    case 'error': {
      // A SqliteError (a trigger, a constraint): keep name and code so logs and String(error) read the same.
      const error = new Error(wire.message);
      error.name = wire.name;
      if (wire.code !== undefined) Object.assign(error, { code: wire.code });
      return error;
    }
  }
}
