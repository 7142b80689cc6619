import { v5 as uuidv5 } from 'uuid';
import { ANY, NO_STREAM, STREAM_EXISTS, type ExpectedRevision } from '../event-store';

/**
 * Pure translations between the port and KurrentDB, kept apart from the client so they are unit-tested
 * without a server. Nothing here imports the client: its constants are the same strings as the port's.
 */

/** What the client's `streamState` accepts: 'any' | 'no_stream' | 'stream_exists' | bigint. */
export type KurrentStreamState = 'any' | 'no_stream' | 'stream_exists' | bigint;

export function toStreamState(expected: ExpectedRevision): KurrentStreamState {
  switch (expected) {
    case ANY:
      return 'any';
    case NO_STREAM:
      return 'no_stream';
    case STREAM_EXISTS:
      return 'stream_exists';
    default:
      // -1 is NO_STREAM already (toAppendRequest); a BigInt revision is what the client checks exactly.
      return expected === -1 ? 'no_stream' : BigInt(expected);
  }
}

/** The client's actual state of a stream (a bigint revision or 'no_stream') as the port's number (-1: absent). */
export function fromCurrentState(actual: unknown): number {
  if (typeof actual === 'bigint') return Number(actual);
  if (typeof actual === 'number') return actual;
  return -1;
}

/** Namespace of the adapter's event ids (uuid v5), fixed forever: changing it would break retries in flight. */
const EVENT_ID_NAMESPACE = '5b0f4c1e-6f3a-4d7e-9a51-2c8e4b7d9f10';

/**
 * An append's id: derived from its idempotency key, so a retry writes the very same event ids and KurrentDB's
 * idempotent-write check can recognise it; random otherwise.
 */
export function appendIdFor(idempotencyKey: string | undefined, random: () => string): string {
  return idempotencyKey === undefined ? `r:${random()}` : `k:${idempotencyKey}`;
}

export function eventIdFor(appendId: string, index: number): string {
  return uuidv5(`${appendId}#${index}`, EVENT_ID_NAMESPACE);
}

/**
 * Metadata key the adapter adds to the second and later events of a multi-event append: their index in it.
 * KurrentDB stamps each event of an append separately, so the reader needs it to give the whole append one
 * recordedAt (the first event's). It is stripped on read; an append that uses the key itself is refused.
 */
export const APPEND_INDEX_KEY = '$tongxin.appendIndex';

/**
 * Metadata key of an imported append's first event (AppendOptions.recordedAt): KurrentDB sets `created` itself and
 * cannot be told otherwise, so the given instant travels here and the reader takes it for `created`. Stripped on
 * read like APPEND_INDEX_KEY; an append that uses the key itself is refused.
 */
export const RECORDED_AT_KEY = '$tongxin.recordedAt';

/** The keys the adapter writes into metadata; callers may not use them. */
export const RESERVED_METADATA_KEYS: readonly string[] = [APPEND_INDEX_KEY, RECORDED_AT_KEY];

export function toStoredMetadata(metadata: string, index: number, recordedAt?: string): string {
  const added = index > 0 ? `"${APPEND_INDEX_KEY}":${index}` : recordedAt !== undefined ? `"${RECORDED_AT_KEY}":${JSON.stringify(recordedAt)}` : '';
  if (added === '') return metadata;
  // The serialised object is spliced rather than re-serialised, so the caller's bytes are kept as given.
  return metadata === '{}' ? `{${added}}` : `${metadata.slice(0, -1)},${added}}`;
}

export function fromStoredMetadata(stored: unknown): { metadata: Record<string, unknown>; appendIndex: number; recordedAt?: number } {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored) || stored instanceof Uint8Array) {
    return { metadata: {}, appendIndex: 0 };
  }
  const { [APPEND_INDEX_KEY]: index, [RECORDED_AT_KEY]: recordedAt, ...metadata } = stored as Record<string, unknown>;
  const appendIndex = typeof index === 'number' && Number.isSafeInteger(index) && index > 0 ? index : 0;
  const imported = typeof recordedAt === 'string' ? Date.parse(recordedAt) : Number.NaN;
  return Number.isNaN(imported) ? { metadata, appendIndex } : { metadata, appendIndex, recordedAt: imported };
}

/** User events only: system event types and `$`-streams (metadata, projections' links) are not the ledger's. */
export function isLedgerEvent(streamId: string, type: string): boolean {
  return !streamId.startsWith('$') && !type.startsWith('$');
}

/**
 * Positions are `$all` commit positions: byte offsets, strictly increasing but with gaps. A read "after p"
 * therefore starts at p (KurrentDB's forward read is inclusive) and drops whatever sits at or below p.
 */
export function eventsAfter<T extends { position: number }>(events: T[], after: number, limit: number): T[] {
  const kept: T[] = [];
  for (const event of events) {
    if (event.position <= after) continue;
    if (kept.length >= limit) break;
    kept.push(event);
  }
  return kept;
}

/** How many events back the recordedAt clamp looks (see `stampRecordedAt`). */
export const CLOCK_LOOKBACK = 64;

export interface StampInput {
  /** The server's `created`, epoch milliseconds. */
  created: number;
  /** 0 for the first event of an append (or a foreign event), k for its k-th follower. */
  appendIndex: number;
}

/**
 * recordedAt for `events[from..]`, given a chronological run of $all whose first `from` entries are context.
 * An append's followers take the time of its first event (they directly precede them in $all), so one append
 * has one recordedAt. Each time is then the maximum over the `lookback` events before it and itself, so it never
 * decreases with position when the server's clock steps back, as long as the step is undone within that many
 * events. Being a function of the log alone, it is the same whichever page the event is read in.
 */
export function stampRecordedAt(events: StampInput[], from: number, lookback = CLOCK_LOOKBACK): number[] {
  const appendTime: number[] = [];
  events.forEach((event, index) => {
    appendTime.push(event.appendIndex > 0 && index > 0 ? appendTime[index - 1] : event.created);
  });
  // Sliding-window maximum: indices of decreasing times, the front being the window's maximum.
  const window: number[] = [];
  const stamps: number[] = [];
  for (let index = 0; index < events.length; index++) {
    while (window.length > 0 && appendTime[window[window.length - 1]] <= appendTime[index]) window.pop();
    window.push(index);
    if (window[0] < index - lookback) window.shift();
    if (index >= from) stamps.push(appendTime[window[0]]);
  }
  return stamps;
}

/** How many events before `first` `stampRecordedAt` needs: the lookback, or back to the start of `first`'s append. */
export function contextNeeded(first: StampInput | undefined, lookback = CLOCK_LOOKBACK): number {
  return Math.max(lookback, first?.appendIndex ?? 0);
}

/** `esdb://` and `esdb+discover://` are the old names; the client wants `kurrentdb://` (it only warns on esdb). */
export function toClientConnectionString(url: string): string {
  return url.trim().replace(/^esdb(\+discover)?:\/\//i, (_match, discover: string | undefined) => `kurrentdb${discover ?? ''}://`);
}
