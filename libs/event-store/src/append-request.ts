import {
  ANY, NO_STREAM, STREAM_EXISTS, type AppendOptions, type ExpectedRevision, type NewEvent,
} from './event-store';
/** An append with its JSON already serialised, so a bad payload fails its caller before any transaction. */
export interface AppendRequest {
  streamId: string;
  events: { type: string; data: string; metadata: string }[];
  expectedRevision: ExpectedRevision;
  idempotency?: { key: string; fingerprint: string; response: string };
  uniqueKeys: string[];
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
  return {
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
  };
}

function toJson(value: unknown, what: string): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${what} must be an object`);
  return JSON.stringify(value);
}
