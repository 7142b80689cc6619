/**
 * The reader thread of `readPages` (sqlite-pages.ts): its own connection reads the log's pages in position order and
 * posts them, `ahead` at a time, the next one each time the main thread takes one. It never writes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { HEADER_FIELDS, pageSql, type FromPagesThread, type PagesThreadData } from './sqlite-pages';

function run(port: NonNullable<typeof parentPort>, config: PagesThreadData): void {
  const post = (message: FromPagesThread, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  let db: Database.Database | undefined;
  let page: Database.Statement<[number, number, number], [string | null, Buffer | null]>;
  try {
    db = new Database(config.path, { fileMustExist: true });
    db.pragma('query_only = ON');
    db.pragma('busy_timeout = 5000');
    // The body is the text's bytes as stored: the decoder reads them as UTF-8.
    const encoding = db.pragma('encoding', { simple: true });
    if (encoding !== 'UTF-8') throw new Error(`the log is stored as ${String(encoding)}, not UTF-8`);
    page = db.prepare<[number, number, number], [string | null, Buffer | null]>(pageSql(config.metadataKeys)).raw(true);
  } catch (error) {
    db?.close();
    return fail(post, error);
  }
  let after = config.after;
  let limit = config.batchSize;
  let credits = config.ahead;
  let ended = false;

  const readOne = () => {
    let row: [string | null, Buffer | null];
    try {
      row = page.get(after, config.until, limit)!;
    } catch (error) {
      // A page longer than SQLite's longest string: the same events in smaller pages.
      if ((error as { code?: string }).code === 'SQLITE_TOOBIG' && limit > 1) {
        limit = Math.ceil(limit / 2);
        return;
      }
      throw error;
    }
    const [headerText, body] = row;
    if (headerText === null || body === null) {
      ended = true;
      db!.close();
      return post({ type: 'end' });
    }
    const header = Float64Array.from(JSON.parse(headerText) as number[]);
    // The next page starts after the largest position of this one.
    after = Math.max(after, lastPosition(header, config.metadataKeys === null ? 1 : config.metadataKeys.length));
    // Large events: fewer of them per page, so a page's memory stays near pageBytes; back to batchSize when small.
    limit = Math.max(1, Math.min(config.batchSize, Math.floor((limit * config.pageBytes) / Math.max(1, body.length))));
    // better-sqlite3 gives each BLOB a buffer of its own: moved, not copied, when it is exactly the body.
    const owned = body.byteOffset === 0 && body.buffer.byteLength === body.length ? body : new Uint8Array(body);
    credits--;
    post({ type: 'page', header, body: owned }, [header.buffer as ArrayBuffer, owned.buffer as ArrayBuffer]);
  };

  const pump = () => {
    try {
      while (credits > 0 && !ended) readOne();
    } catch (error) {
      ended = true;
      db?.close();
      fail(post, error);
    }
  };
  port.on('message', () => {
    credits++;
    pump();
  });
  pump();
}

/** The largest position in a page's header (they come in order, but the decoder is the one that relies on it). */
function lastPosition(header: Float64Array, metadataFields: number): number {
  const width = HEADER_FIELDS + metadataFields;
  let last = 0;
  for (let h = 0; h < header.length; h += width) last = Math.max(last, header[h]);
  return last;
}

function fail(post: (message: FromPagesThread) => void, error: unknown): void {
  const { message, code } = error as { message?: unknown; code?: unknown };
  post({ type: 'failed', message: String(message ?? error), code: typeof code === 'string' ? code : undefined });
}

if (parentPort) run(parentPort, workerData as PagesThreadData);
