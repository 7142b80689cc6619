import {
  ANY, NO_STREAM, STREAM_EXISTS, type AppendOptions, type ExpectedRevision, type NewEvent, type StreamCondition,
} from './event-store';
/** An append with its JSON already serialised, so a bad payload fails its caller before any transaction. */
export interface AppendRequest {
  streamId: string;
  events: { type: string; data: string; metadata: string }[];
  expectedRevision: ExpectedRevision;
  /** `createdAt`: imports only (AppendOptions.idempotency.createdAt), in the same canonical form as recordedAt. */
  idempotency?: { key: string; fingerprint: string; response: string; createdAt?: string };
  uniqueKeys: string[];
  /** Sorted by stream id, one per stream. */
  conditions: StreamCondition[];
  /** Imports only (AppendOptions.recordedAt): canonical ISO 8601 UTC with milliseconds. */
  recordedAt?: string;
}

/** Checks and serialises an append before any transaction, so a bad argument fails only its own caller (TypeError). */
export function toAppendRequest(streamId: string, events: NewEvent[], options: AppendOptions): AppendRequest {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('streamId must be a non-empty string');
  if (!Array.isArray(events) || events.length === 0) throw new TypeError('no events');
  const expected = options?.expectedRevision;
  const named = expected === NO_STREAM || expected === ANY || expected === STREAM_EXISTS;
  if (!named && !(Number.isSafeInteger(expected) && (expected as number) >= -1)) {
    throw new TypeError(`invalid expected revision: ${String(expected)}`);
  }
  const idempotency = options.idempotency;
  const request: AppendRequest = {
    streamId,
    expectedRevision: expected === -1 ? NO_STREAM : expected,
    events: events.map((event) => {
      if (typeof event?.type !== 'string' || event.type.length === 0) throw new TypeError('event type must be a non-empty string');
      return { type: event.type, data: toJson(event.data, 'data'), metadata: toJson(event.metadata ?? {}, 'metadata') };
    }),
    idempotency: idempotency && {
      key: idempotency.key, fingerprint: idempotency.fingerprint, response: toJson(idempotency.response ?? {}, 'response'),
    },
    uniqueKeys: [...new Set(options.uniqueKeys ?? [])],
    conditions: toConditions(streamId, options.conditions),
  };
  if (options.recordedAt !== undefined) {
    // An import replays decisions already made; it has nothing to condition on.
    if (request.conditions.length > 0) throw new TypeError('an import (recordedAt) takes no conditions');
    request.recordedAt = toInstant(options.recordedAt, 'recordedAt');
  }
  if (idempotency?.createdAt !== undefined) {
    // Only a history keeps a record's first time; a live request's record dates from its commit.
    if (request.recordedAt === undefined) throw new TypeError('an idempotency createdAt is for imports only: give recordedAt too');
    request.idempotency!.createdAt = toInstant(idempotency.createdAt, 'idempotency createdAt');
  }
  return request;
}

function toConditions(streamId: string, conditions: StreamCondition[] | undefined): StreamCondition[] {
  if (conditions === undefined) return [];
  if (!Array.isArray(conditions)) throw new TypeError('conditions must be an array');
  const byStream = new Map<string, number>();
  for (const condition of conditions) {
    const { streamId: other, revision } = condition ?? {};
    if (typeof other !== 'string' || other.length === 0) throw new TypeError('a condition needs a non-empty streamId');
    if (other === streamId) throw new TypeError(`a condition on the appended stream ${streamId} is its expectedRevision`);
    if (!Number.isSafeInteger(revision) || revision < -1) throw new TypeError(`invalid condition revision: ${String(revision)}`);
    if (byStream.has(other) && byStream.get(other) !== revision) throw new TypeError(`two conditions on stream ${other}`);
    byStream.set(other, revision);
  }
  return [...byStream].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, revision]) => ({ streamId: id, revision }));
}

/**
 * Only the form every adapter reads back (`toISOString()`), so what is kept is exactly what was given and
 * instants compare as strings; anything else is a caller's mistake, not something to round silently.
 */
function toInstant(value: unknown, what: string): string {
  const time = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) ? new Date(value) : undefined;
  if (!time || Number.isNaN(time.getTime()) || time.toISOString() !== value) {
    throw new TypeError(`${what} must be an ISO 8601 UTC instant with milliseconds (e.g. 2026-05-01T08:30:00.000Z), got ${String(value)}`);
  }
  return value;
}

function toJson(value: unknown, what: string): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${what} must be an object`);
  return JSON.stringify(value);
}
