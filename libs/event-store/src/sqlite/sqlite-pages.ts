import { StoreUnavailableError, type ReadPagesOptions, type RecordedEvent } from '../event-store';
import { toStoreError } from './sqlite-errors';
import { startSqliteThread } from './sqlite-thread';

/** What the reader thread (sqlite-pages-thread.ts) is started with. */
export interface PagesThreadData {
  path: string;
  after: number;
  until: number;
  batchSize: number;
  /** null: the whole metadata. */
  metadataKeys: readonly string[] | null;
  /** Pages read before this thread asks for more. */
  ahead: number;
  /** A page's body stays near this size: the page shrinks when its events are large. */
  pageBytes: number;
}

/**
 * A page as the reader thread sends it. `header` holds HEADER_FIELDS numbers per event, then one byte length per
 * metadata key (-1: the event lacks the key) or that of the whole metadata; `body` the events' text, UTF-8, in the
 * header's order, with nothing between them.
 */
export type FromPagesThread =
  | { type: 'page'; header: Float64Array; body: Uint8Array }
  | { type: 'end' }
  | { type: 'failed'; message: string; code?: string };

/** position, revision, then the byte lengths of stream_id, type, data, recorded_at. */
export const HEADER_FIELDS = 6;

/** Pages read ahead: one being decoded here, one on its way, one being read. */
const PAGES_AHEAD = 2;

/** Most bytes of event text in one page (a few events of megabytes each would otherwise make pages of gigabytes). */
export const PAGE_BYTES = 32 * 1024 * 1024;

/** `metadata -> '$.key'` for each key: the stored JSON text of its value, NULL where the event lacks it. */
export function metadataExtracts(keys: readonly string[]): string[] {
  for (const key of keys) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new TypeError(`metadata key ${JSON.stringify(key)} is not a plain name`);
  return keys.map((key) => `metadata -> '$.${key}'`);
}

/**
 * One page as two values: the header as JSON text and the body as a BLOB of the text's UTF-8 bytes, built by SQLite
 * in C. Reading the columns one by one into JavaScript values costs ~2 µs an event, most of it here on the thread
 * that would then fold them. Both aggregates take the rows in the same order, so the header describes the body
 * whatever that order is; it is the subquery's, by position, and the decoder checks it.
 */
export function pageSql(keys: readonly string[] | null): string {
  const meta = keys === null ? ['metadata'] : metadataExtracts(keys);
  const names = meta.map((_, k) => `m${k}`);
  const lengths = names.map((name) => (keys === null ? `octet_length(${name})` : `coalesce(octet_length(${name}), -1)`));
  const texts = names.map((name) => (keys === null ? name : `coalesce(${name}, '')`));
  const numbers = ['position', 'revision', 'octet_length(stream_id)', 'octet_length(type)', 'octet_length(data)', 'octet_length(recorded_at)', ...lengths];
  // One printf per event rather than a chain of ||: ~0.3 s less of the reader thread per million events.
  const columns = ['position', 'revision', 'stream_id', 'type', 'data', 'recorded_at', ...meta.map((m, k) => `${m} AS ${names[k]}`)];
  return `SELECT '[' || group_concat(h, ',') || ']', CAST(group_concat(b, '') AS BLOB) FROM (
    SELECT printf('${numbers.map(() => '%d').join(',')}', ${numbers.join(', ')}) AS h,
           ${['stream_id', 'type', 'data', 'recorded_at', ...texts].join(' || ')} AS b
      FROM (SELECT ${columns.join(', ')} FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?))`;
}

interface Utf8Slicing {
  utf8Slice(start: number, end: number): string;
}

/**
 * UTF-8 text of body[start, end). Buffer's own `utf8Slice`, behind `toString('utf8', …)`, where present: the argument
 * checks of toString cost ~0.5 s per million events (five strings each).
 */
const utf8: (body: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as unknown as Partial<Utf8Slicing>).utf8Slice === 'function'
    ? (body, start, end) => (body as unknown as Utf8Slicing).utf8Slice(start, end)
    : (body, start, end) => body.toString('utf8', start, end);

/** The events of a page, as SqliteReader would return them (metadata: `keys` alone, or all of it when null). */
export function decodePage(header: Float64Array, body: Buffer, keys: readonly string[] | null): RecordedEvent[] {
  const width = HEADER_FIELDS + (keys === null ? 1 : keys.length);
  const events: RecordedEvent[] = [];
  let at = 0;
  let ordered = true;
  for (let h = 0; h < header.length; h += width) {
    const streamId = utf8(body, at, (at += header[h + 2]));
    const type = utf8(body, at, (at += header[h + 3]));
    const data = JSON.parse(utf8(body, at, (at += header[h + 4]))) as Record<string, unknown>;
    const recordedAt = utf8(body, at, (at += header[h + 5]));
    let metadata: Record<string, unknown>;
    if (keys === null) {
      metadata = JSON.parse(utf8(body, at, (at += header[h + HEADER_FIELDS]))) as Record<string, unknown>;
    } else {
      metadata = {};
      for (let k = 0; k < keys.length; k++) {
        const length = header[h + HEADER_FIELDS + k];
        if (length >= 0) metadata[keys[k]] = JSON.parse(utf8(body, at, (at += length)));
      }
    }
    const position = header[h];
    if (events.length > 0 && position <= events[events.length - 1].position) ordered = false;
    events.push({ position, streamId, revision: header[h + 1], type, data, metadata, recordedAt });
  }
  if (at !== body.length) throw new Error(`sqlite event store: a page's text does not match its header (${at} of ${body.length} bytes)`);
  return ordered ? events : events.sort((a, b) => a.position - b.position);
}

/**
 * `EventStore.readPages` for a SQLite file: a reader thread with its own connection reads the pages ahead, and this
 * thread only decodes them. Each page is one read of committed data; positions are committed in order, so pages up
 * to `until` (at most the head when asked) are the same as readAll's. Ending the iteration stops the thread.
 */
export async function* readPagesOnThread(
  path: string, options: ReadPagesOptions, pageBytes = PAGE_BYTES,
): AsyncGenerator<RecordedEvent[], void, undefined> {
  const keys = options.metadataKeys ? [...options.metadataKeys] : null;
  if (keys) metadataExtracts(keys); // a bad key fails here, not in the thread
  const data: PagesThreadData = {
    path, after: Math.max(0, options.after ?? 0), until: options.until, batchSize: Math.max(1, Math.floor(options.batchSize)),
    metadataKeys: keys, ahead: PAGES_AHEAD, pageBytes,
  };
  let thread: ReturnType<typeof startSqliteThread>;
  try {
    thread = startSqliteThread('sqlite-pages-thread', data);
  } catch (error) {
    throw new StoreUnavailableError(`sqlite event store: cannot start the reader thread: ${(error as Error).message}`, error);
  }
  const inbox: FromPagesThread[] = [];
  let wake: (() => void) | undefined;
  const receive = (message: FromPagesThread) => {
    inbox.push(message);
    wake?.();
    wake = undefined;
  };
  thread.on('message', receive);
  thread.on('error', (error) => receive({ type: 'failed', message: `reader thread failed: ${error.message}` }));
  thread.on('exit', (code) => receive({ type: 'failed', message: `reader thread exited (code ${code})` }));
  try {
    for (;;) {
      while (inbox.length === 0) await new Promise<void>((resolve) => { wake = resolve; });
      const message = inbox.shift()!;
      if (message.type === 'end') return;
      if (message.type === 'failed') {
        // A SQLite error keeps its code (a busy or missing file is unavailable, a malformed row is not); a thread that
        // failed or died left nothing to read with.
        if (message.code !== undefined) throw toStoreError(Object.assign(new Error(message.message), { code: message.code }), 'readPages');
        throw new StoreUnavailableError(`sqlite event store: readPages failed: ${message.message}`);
      }
      thread.postMessage('more');
      const body = Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength);
      yield decodePage(message.header, body, keys);
    }
  } finally {
    thread.removeAllListeners();
    await thread.terminate();
  }
}
