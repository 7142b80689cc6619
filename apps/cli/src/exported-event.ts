import type { IdempotencyRecord, RecordedEvent } from '@tongxin/event-store';

/**
 * The two line formats of an export and how each maps to and from the port's RecordedEvent.
 * `ndjson` is the RecordedEvent itself; `cloudevents` is CloudEvents 1.0 structured-mode JSON.
 */
export type ExportFormat = 'ndjson' | 'cloudevents';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['ndjson', 'cloudevents'];

export const CLOUDEVENT_SOURCE = 'tongxin:ledger';
export const CLOUDEVENT_TYPE_PREFIX = 'cn.tongxin.ledger.';
/** Extension attributes: lower-case alphanumeric, at most 20 characters (CloudEvents 1.0 §naming). */
export const EXTENSIONS = {
  position: 'tongxinposition', revision: 'tongxinrevision', metadata: 'tongxinmetadata', idempotency: 'tongxinidempotency',
} as const;
/** The ndjson field of a line that carries an idempotency record. */
export const IDEMPOTENCY_FIELD = 'idempotency';

/**
 * An idempotency record as an export carries it: on the line of its append's last event, so a retry of that
 * command is answered after a move as before. `result` is the append in the store it comes from; an import checks
 * it against the lines and the target answers with its own.
 */
export type ExportedIdempotency = Omit<IdempotencyRecord, 'result'> & {
  result: { streamId: string; revision: number; position: number; firstPosition: number };
};

/** One line of an export, read back. */
export interface ExportLine {
  event: RecordedEvent;
  format: ExportFormat;
  idempotency?: ExportedIdempotency;
}

/** A refusal the user can act on; nothing was appended. */
export class ImportRefusedError extends Error {
  override readonly name: string = 'ImportRefusedError';
}

/** A line that is not an event of either format, or whose idempotency record does not fit; `line` counts from 1. */
export class BadExportLineError extends ImportRefusedError {
  override readonly name = 'BadExportLineError';
  constructor(readonly line: number, reason: string) {
    super(`line ${line}: ${reason}`);
  }
}

export function schemaVersionOf(event: Pick<RecordedEvent, 'metadata'>): number {
  const version = event.metadata.schemaVersion;
  return typeof version === 'number' && Number.isInteger(version) && version > 0 ? version : 1;
}

/**
 * CloudEvents 1.0 structured JSON. `id` is the stream and revision, which an import keeps, so the same
 * event has the same id in every store it moves to (positions are renumbered). Metadata travels as a JSON
 * string because extension attribute values must be scalars.
 */
export function toCloudEvent(event: RecordedEvent): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: `${event.streamId}@${event.revision}`,
    source: `${CLOUDEVENT_SOURCE}/${encodeURIComponent(event.streamId)}`,
    type: `${CLOUDEVENT_TYPE_PREFIX}${event.type}.v${schemaVersionOf(event)}`,
    subject: event.streamId,
    time: event.recordedAt,
    datacontenttype: 'application/json',
    [EXTENSIONS.position]: event.position,
    [EXTENSIONS.revision]: event.revision,
    [EXTENSIONS.metadata]: JSON.stringify(event.metadata),
    data: event.data,
  };
}

/**
 * One line: the event, and the idempotency record of the append it ends, if there is one (an extra top-level field
 * in ndjson; in CloudEvents an extension attribute holding JSON text, since extension values must be scalars).
 */
export function formatLine(event: RecordedEvent, format: ExportFormat, record?: IdempotencyRecord): string {
  const idempotency = record && toExportedIdempotency(record);
  if (format === 'cloudevents') {
    const cloudEvent = toCloudEvent(event);
    return JSON.stringify(idempotency ? { ...cloudEvent, [EXTENSIONS.idempotency]: JSON.stringify(idempotency) } : cloudEvent);
  }
  return JSON.stringify(idempotency ? { ...event, [IDEMPOTENCY_FIELD]: idempotency } : event);
}

/** Only the fields of the port's record, in one order, whatever else a store's object holds. */
function toExportedIdempotency(record: IdempotencyRecord): ExportedIdempotency {
  const { streamId, revision, position, firstPosition } = record.result;
  return {
    key: record.key, fingerprint: record.fingerprint, response: record.response, createdAt: record.createdAt,
    result: { streamId, revision, position, firstPosition },
  };
}

/** Parses one line of an export (either format) and checks every field a RecordedEvent needs, and its record's. */
export function parseExportLine(text: string, line: number): ExportLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BadExportLineError(line, `not JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(value)) throw new BadExportLineError(line, 'not a JSON object');
  const format: ExportFormat = 'specversion' in value ? 'cloudevents' : 'ndjson';
  let event: RecordedEvent;
  let carried: unknown;
  if (format === 'cloudevents') {
    event = fromCloudEvent(value, line);
    const text = value[EXTENSIONS.idempotency];
    if (text !== undefined) {
      try {
        carried = JSON.parse(String(text));
      } catch {
        throw new BadExportLineError(line, `${EXTENSIONS.idempotency} must be a JSON object encoded as a string`);
      }
    }
  } else {
    const { [IDEMPOTENCY_FIELD]: field, ...rest } = value;
    event = rest as unknown as RecordedEvent;
    carried = field;
  }
  checkRecordedEvent(event, line);
  if (carried === undefined) return { event, format };
  return { event, format, idempotency: checkIdempotency(carried, event, line) };
}

/**
 * A record is well formed and names the append that ends on its own line: its stream, its revision, its position.
 * Whether the append's first event is in the file is for the reader of the whole file (import-events) to check.
 */
function checkIdempotency(value: unknown, event: RecordedEvent, line: number): ExportedIdempotency {
  const fail = (reason: string): never => {
    throw new BadExportLineError(line, `idempotency record: ${reason}`);
  };
  if (!isPlainObject(value)) return fail('not a JSON object');
  const { key, fingerprint, response, createdAt, result } = value;
  if (typeof key !== 'string' || key === '') fail('key must be a non-empty string');
  if (typeof fingerprint !== 'string' || fingerprint === '') fail('fingerprint must be a non-empty string');
  if (!isPlainObject(response)) fail('response must be a JSON object');
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) fail('createdAt must be an ISO 8601 instant');
  if (!isPlainObject(result)) return fail('result must be a JSON object');
  const { streamId, revision, position, firstPosition } = result;
  if (!Number.isSafeInteger(firstPosition) || (firstPosition as number) < 1 || (firstPosition as number) > event.position) {
    fail(`result.firstPosition must be an integer from 1 to the line's position ${event.position}`);
  }
  if (position !== event.position || streamId !== event.streamId || revision !== event.revision) {
    fail(`its append ends at position ${String(position)}, stream ${String(streamId)}, revision ${String(revision)}, ` +
      `but it is on the line of position ${event.position}, stream ${event.streamId}, revision ${event.revision}`);
  }
  return {
    key: key as string, fingerprint: fingerprint as string, response: response as Record<string, unknown>, createdAt: createdAt as string,
    result: { streamId: event.streamId, revision: event.revision, position: event.position, firstPosition: firstPosition as number },
  };
}

function fromCloudEvent(value: Record<string, unknown>, line: number): RecordedEvent {
  if (value.specversion !== '1.0') throw new BadExportLineError(line, `specversion must be "1.0", got ${JSON.stringify(value.specversion)}`);
  if (value.datacontenttype !== undefined && value.datacontenttype !== 'application/json') {
    throw new BadExportLineError(line, `datacontenttype must be application/json, got ${JSON.stringify(value.datacontenttype)}`);
  }
  const type = /^cn\.tongxin\.ledger\.([A-Za-z][A-Za-z0-9_]*)\.v([1-9][0-9]*)$/.exec(String(value.type));
  if (!type) throw new BadExportLineError(line, `type ${JSON.stringify(value.type)} is not ${CLOUDEVENT_TYPE_PREFIX}<EventType>.v<N>`);
  let metadata: unknown;
  try {
    metadata = JSON.parse(String(value[EXTENSIONS.metadata]));
  } catch {
    throw new BadExportLineError(line, `${EXTENSIONS.metadata} must be a JSON object encoded as a string`);
  }
  const event: RecordedEvent = {
    position: integerOf(value[EXTENSIONS.position]),
    streamId: value.subject as string,
    revision: integerOf(value[EXTENSIONS.revision]),
    type: type[1],
    data: value.data as Record<string, unknown>,
    metadata: metadata as Record<string, unknown>,
    recordedAt: value.time as string,
  };
  if (isPlainObject(metadata) && schemaVersionOf(event) !== Number(type[2])) {
    throw new BadExportLineError(line, `type says v${type[2]} but metadata.schemaVersion is ${String(metadata.schemaVersion)}`);
  }
  return event;
}

function checkRecordedEvent(event: RecordedEvent, line: number): void {
  const fail = (reason: string): never => {
    throw new BadExportLineError(line, reason);
  };
  if (!Number.isSafeInteger(event.position) || event.position < 1) fail('position must be an integer ≥ 1');
  if (typeof event.streamId !== 'string' || event.streamId === '') fail('streamId (subject) must be a non-empty string');
  if (!Number.isSafeInteger(event.revision) || event.revision < 0) fail('revision must be an integer ≥ 0');
  if (typeof event.type !== 'string' || event.type === '') fail('type must be a non-empty string');
  if (!isPlainObject(event.data)) fail('data must be a JSON object');
  if (!isPlainObject(event.metadata)) fail('metadata must be a JSON object');
  if (typeof event.recordedAt !== 'string' || Number.isNaN(Date.parse(event.recordedAt))) fail('recordedAt (time) must be an ISO 8601 instant');
}

/** Integers may arrive as JSON numbers or, from tools that keep 64-bit values exact, as decimal strings. */
function integerOf(value: unknown): number {
  if (typeof value === 'string' && /^[0-9]+$/.test(value)) return Number(value);
  return typeof value === 'number' ? value : Number.NaN;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
