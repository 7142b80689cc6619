import type { EventStore, IdempotencyRecord } from '@tongxin/event-store';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { formatLine, type ExportFormat } from './exported-event';
import { NO_PROGRESS, type Progress } from './progress';

export interface ExportOptions {
  format: ExportFormat;
  /** Exclusive: events with position > after. */
  after?: number;
  /** Inclusive: events recorded at or before this instant. */
  until?: string;
  progress?: Progress;
}

export interface ExportSummary {
  events: number;
  /** Idempotency records written, each on the line of its append's last event. */
  idempotencyRecords: number;
  firstPosition: number | null;
  lastPosition: number | null;
}

/** Lines are gathered into chunks of about this size: one write per line costs more than the JSON. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Writes the log from `after` to the head as it was when the export began (or to `until`), one event
 * per line, in position order. It streams: memory holds one page of the store and one chunk of output,
 * whatever the length of the log. Events appended during the export are left for the next one.
 * The idempotency records of the appends in that range go along, each on the line of its append's last event,
 * read in the same position order beside the events, so a moved ledger answers retried requests as before.
 */
export async function exportEvents(store: EventStore, out: Writable, options: ExportOptions): Promise<ExportSummary> {
  const after = options.after ?? 0;
  const progress = options.progress ?? NO_PROGRESS;
  // 1. Fix the end first, so the export is one consistent prefix of the log.
  let last = await store.headPosition();
  if (options.until !== undefined) last = Math.min(last, await store.positionAt(options.until));
  const summary: ExportSummary = { events: 0, idempotencyRecords: 0, firstPosition: null, lastPosition: null };
  if (last <= after) return summary;

  const records = recordsAfter(store, after);
  // 2. A write error (a closed pipe, a full disk) must stop the loop, not surface later as an unhandled event.
  let failed: Error | undefined;
  const onError = (error: Error) => (failed ??= error);
  out.on('error', onError);
  progress.start(last - after);
  try {
    let chunk = '';
    for await (const event of store.streamAll({ after, batchSize: 1000 })) {
      if (event.position > last) break;
      const record = await records.at(event);
      if (record) summary.idempotencyRecords++;
      chunk += formatLine(event, options.format, record) + '\n';
      summary.events++;
      summary.firstPosition ??= event.position;
      summary.lastPosition = event.position;
      if (chunk.length >= CHUNK_CHARS) {
        await write(out, chunk, () => failed);
        chunk = '';
        progress.update(event.position - after);
      }
      if (event.position === last) break;
    }
    if (chunk) await write(out, chunk, () => failed);
    progress.update(last - after);
    return summary;
  } finally {
    progress.stop();
    out.off('error', onError);
    await records.close();
  }
}

/**
 * The store's idempotency records from `after`, met in step with the events: both come in position order, so
 * one page of each is held at a time. A record is given to the event its append ended with; one that names no
 * exported event (there should be none) is left out, since no line could carry it.
 */
function recordsAfter(store: EventStore, after: number): { at(event: { position: number; streamId: string }): Promise<IdempotencyRecord | undefined>; close(): Promise<void> } {
  const iterator = store.idempotencyRecords({ after, batchSize: 1000 })[Symbol.asyncIterator]();
  let next: IdempotencyRecord | undefined;
  let done = false;
  return {
    async at(event) {
      for (;;) {
        if (next === undefined && !done) {
          const step = await iterator.next();
          done = step.done === true;
          next = step.done ? undefined : step.value;
        }
        if (next === undefined || next.result.position > event.position) return undefined;
        const record = next;
        next = undefined;
        if (record.result.position === event.position && record.result.streamId === event.streamId) return record;
      }
    },
    async close() {
      await iterator.return?.();
    },
  };
}

/** Honours backpressure, so a slow disk or reader never lets output pile up in memory. */
async function write(out: Writable, chunk: string, failed: () => Error | undefined): Promise<void> {
  const error = failed();
  if (error) throw error;
  // events.once rejects if 'error' comes first.
  if (!out.write(chunk)) await once(out, 'drain');
}
