import type {
  AppendOptions, AppendResult, EventStore, IdempotencyRecord, NewEvent, ReadAllOptions, RecordedEvent,
} from '@tongxin/event-store';
import { personalDataRule, type PersonalDataRule } from './personal-data';
import { seal, unseal } from './seal';
import { SubjectErasedError, type SubjectKeyStore } from './subject-key-store';

/** Where a sealed event keeps its personal fields, as one `tx1.…` string (see seal.ts). */
export const SEALED_FIELD = 'sealed';
/** Set to true in the data of an event read after its subject's key was destroyed; its personal fields read null. */
export const ERASED_FIELD = 'erased';

/** Events this decorator reads unsealed come back with `erased: true` in their data when the person was erased. */
export function isErased(data: Record<string, unknown>): boolean {
  return data[ERASED_FIELD] === true;
}

/**
 * The EventStore port with personal data sealed (crypto-shredding). Appends replace each event's personal fields
 * (PERSONAL_DATA) by null and put them, sealed with the subject's key, in `data.sealed`; nulls rather than removed
 * fields, so the data keeps its keys in order and a reader of the raw log sees the shape of an erased event. Reads
 * open them again with one key lookup per call (per page for streamAll); a subject whose key was destroyed reads
 * null with `erased: true`, never an error. Events without a sealed value (written before sealing) pass through,
 * unless their subject was erased: then their plain fields read null too, though they remain in the raw log.
 *
 * Keys are not cached: a key destroyed by any process must stop every reader at once. Projections read the inner
 * store: they fold no personal field, so they need no keys. Every append option (expected revision, idempotency,
 * unique keys, conditions, recordedAt) is passed through as given. `close` closes the inner store only; the key
 * store belongs to whoever opened it.
 */
export class SealingEventStore implements EventStore {
  constructor(readonly inner: EventStore, private readonly keys: SubjectKeyStore) {}

  async appendToStream(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (!Array.isArray(events)) return this.inner.appendToStream(streamId, events, options);
    // 1. Every key is committed before the events that use it: a key lost after its event would lose the data.
    const keys = new Map<string, Buffer | null>();
    for (const event of events) {
      const subject = subjectToSeal(event);
      if (subject === undefined || keys.has(subject)) continue;
      try {
        keys.set(subject, await this.keys.keyFor(subject));
      } catch (error) {
        // An erased person's data is never written again, not even by a retried request (its key is gone for good).
        if (!(error instanceof SubjectErasedError)) throw error;
        keys.set(subject, null);
      }
    }
    // 2. Seal, then append as asked.
    const sealed = keys.size === 0 ? events : events.map((event) => {
      const subject = subjectToSeal(event);
      return subject === undefined ? event : sealEvent(event, subject, keys.get(subject)!);
    });
    return this.inner.appendToStream(streamId, sealed, options);
  }

  async readStream(streamId: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]> {
    return this.unsealAll(await this.inner.readStream(streamId, options));
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.unsealAll(await this.inner.readAll(options));
  }

  /** The inner store's pages, unsealed `batchSize` events at a time, so a page costs one key lookup. */
  async *streamAll(options: { after?: number; batchSize?: number } = {}): AsyncIterable<RecordedEvent> {
    const batchSize = Math.max(1, Math.floor(options.batchSize ?? 500));
    let batch: RecordedEvent[] = [];
    for await (const event of this.inner.streamAll(options)) {
      batch.push(event);
      if (batch.length < batchSize) continue;
      yield* await this.unsealAll(batch);
      batch = [];
    }
    if (batch.length > 0) yield* await this.unsealAll(batch);
  }

  streamRevision(streamId: string): Promise<number> {
    return this.inner.streamRevision(streamId);
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  positionAt(instant: string): Promise<number> {
    return this.inner.positionAt(instant);
  }

  /** The stored response is the command's answer (ids, revision, position), which holds no personal field. */
  getIdempotencyRecord(key: string): Promise<IdempotencyRecord | undefined> {
    return this.inner.getIdempotencyRecord(key);
  }

  /** Passed through as getIdempotencyRecord is: the records hold command answers, no personal field. */
  async *idempotencyRecords(options?: { after?: number; batchSize?: number }): AsyncIterable<IdempotencyRecord> {
    if (!this.inner.idempotencyRecords) throw new TypeError('the inner event store cannot list its idempotency records');
    yield* this.inner.idempotencyRecords(options);
  }

  lookupUniqueKey(key: string): Promise<string | undefined> {
    return this.inner.lookupUniqueKey(key);
  }

  /** Both must answer: without its keys the store can neither append personal data nor read it. */
  async ping(): Promise<void> {
    await Promise.all([this.inner.ping(), this.keys.ping()]);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async unsealAll(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const subjects = new Set<string>();
    for (const event of events) {
      const subject = subjectToOpen(event);
      if (subject !== undefined) subjects.add(subject);
    }
    if (subjects.size === 0) return events;
    const keys = await this.keys.keysOf([...subjects]);
    return events.map((event) => {
      const subject = subjectToOpen(event);
      return subject === undefined ? event : openEvent(event, subject, keys.get(subject));
    });
  }
}

/**
 * The subject of an event with personal data to seal, or undefined when every personal field is absent or null
 * (nothing to seal: an event already sealed or erased, copied from another store, passes through as it is).
 */
function subjectToSeal(event: NewEvent): string | undefined {
  const rule = personalDataRule(event?.type);
  const data = event?.data;
  if (!rule || !isObject(data)) return undefined;
  if (rule.fields.every((field) => valueAt(data, field) == null)) return undefined;
  const subject = rule.subjectOf(data);
  // Refusing is the only safe answer: without a subject the fields would be written in plain.
  if (subject === undefined) throw new TypeError(`${event.type} carries personal data but no id to key it by`);
  return subject;
}

function subjectToOpen(event: RecordedEvent): string | undefined {
  const rule = personalDataRule(event.type);
  return rule && isObject(event.data) ? rule.subjectOf(event.data) : undefined;
}

function sealEvent(event: NewEvent, subject: string, key: Buffer | null): NewEvent {
  const rule = personalDataRule(event.type)!;
  const values: Record<string, unknown> = {};
  for (const field of rule.fields) values[field] = valueAt(event.data, field) ?? null;
  const data = withFields(event.data, rule, null);
  // Erased: the person's data is dropped, not sealed.
  if (key === null) return { ...event, data: { ...data, [ERASED_FIELD]: true } };
  return { ...event, data: { ...data, [SEALED_FIELD]: seal(JSON.stringify(values), key, subject) } };
}

/**
 * `key` undefined: never created, which reads as erased too (the data cannot be had back: a lost vault, or the
 * wrong one); null: destroyed. A sealed value that does not open with a live key throws SealBrokenError.
 */
function openEvent(event: RecordedEvent, subject: string, key: Buffer | null | undefined): RecordedEvent {
  const rule = personalDataRule(event.type)!;
  const { [SEALED_FIELD]: sealed, ...rest } = event.data;
  if (sealed === undefined) {
    // Written before sealing: plain, and shown unless the person was erased since.
    return key === null ? { ...event, data: { ...withFields(rest, rule, null), [ERASED_FIELD]: true } } : event;
  }
  if (!key) return { ...event, data: { ...withFields(rest, rule, null), [ERASED_FIELD]: true } };
  const values = JSON.parse(unseal(String(sealed), key, subject)) as Record<string, unknown>;
  return { ...event, data: withFields(rest, rule, values) };
}

/** A copy of `data` with each of the rule's fields set to null (`values` null) or to its sealed value. */
function withFields(data: Record<string, unknown>, rule: PersonalDataRule, values: Record<string, unknown> | null): Record<string, unknown> {
  let copy = data;
  for (const field of rule.fields) {
    if (values !== null && !Object.hasOwn(values, field)) continue;
    copy = setAt(copy, field.split('.'), values === null ? null : values[field]);
  }
  return copy;
}

/** Copies each object on the path (never the caller's), creating none that is missing. */
function setAt(data: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  if (rest.length === 0) return { ...data, [head]: value };
  const child = data[head];
  return isObject(child) ? { ...data, [head]: setAt(child, rest, value) } : data;
}

function valueAt(data: Record<string, unknown>, field: string): unknown {
  let value: unknown = data;
  for (const part of field.split('.')) value = isObject(value) ? value[part] : undefined;
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
