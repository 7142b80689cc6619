import type { RecordedEvent } from '@tongxin/event-store';

/**
 * The two line formats of an export and how each maps to and from the port's RecordedEvent.
 * `ndjson` is the RecordedEvent itself; `cloudevents` is CloudEvents 1.0 structured-mode JSON.
 */
export type ExportFormat = 'ndjson' | 'cloudevents';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['ndjson', 'cloudevents'];

export const CLOUDEVENT_SOURCE = 'tongxin:ledger';
export const CLOUDEVENT_TYPE_PREFIX = 'cn.tongxin.ledger.';
/** Extension attributes: lower-case alphanumeric, at most 20 characters (CloudEvents 1.0 §naming). */
export const EXTENSIONS = { position: 'tongxinposition', revision: 'tongxinrevision', metadata: 'tongxinmetadata' } as const;

/** A line that is not an event of either format; `line` counts from 1. */
export class BadExportLineError extends Error {
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

export function formatLine(event: RecordedEvent, format: ExportFormat): string {
  return JSON.stringify(format === 'cloudevents' ? toCloudEvent(event) : event);
}

/** Parses one line of an export (either format) and checks every field a RecordedEvent needs. */
export function parseExportLine(text: string, line: number): { event: RecordedEvent; format: ExportFormat } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BadExportLineError(line, `not JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(value)) throw new BadExportLineError(line, 'not a JSON object');
  const format: ExportFormat = 'specversion' in value ? 'cloudevents' : 'ndjson';
  const event = format === 'cloudevents' ? fromCloudEvent(value, line) : (value as unknown as RecordedEvent);
  checkRecordedEvent(event, line);
  return { event, format };
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
