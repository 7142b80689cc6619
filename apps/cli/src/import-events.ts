import { NO_STREAM, type EventStore, type NewEvent, type RecordedEvent } from '@tongxin/event-store';
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { disbursementKey, donationKey } from '../../api/src/donations/receive-donation.handler';
import { BadExportLineError, ImportRefusedError, parseExportLine, type ExportedIdempotency, type ExportFormat, type ExportLine } from './exported-event';
import { NO_PROGRESS, type Progress } from './progress';

export { ImportRefusedError };

export interface ImportOptions {
  /** Two phases: checking the whole file, then appending it. Both report bytes of the file read. */
  progress?: { check: Progress; append: Progress };
  /** Consecutive events of one stream appended in one call, at most this many. */
  batchSize?: number;
}

export interface ImportSummary {
  events: number;
  streams: number;
  /** Idempotency records carried by the file, each stored again with its append. */
  idempotencyRecords: number;
  format: ExportFormat | null;
}

/**
 * Where imports before the store kept recordedAt put the first store's instant (the target stamped its own).
 * No longer written: read only so that a ledger moved that way and exported again gets its true times back
 * as recordedAt, and stripped, so its metadata is again what the first store was given.
 */
export const IMPORTED_RECORDED_AT = 'importedRecordedAt';

/**
 * Loads an export into an empty store, in the same order, each stream at the same revisions, each event at
 * its original recordedAt (AppendOptions.recordedAt), so as-of answers are the same after the move. An append
 * that carried an idempotency record is appended again on its own, with that record (its first createdAt kept),
 * so a retried request is answered after the move as before. The file is read twice: first checked whole (so a
 * bad line, a gap or a record that does not line up with its events appends nothing), then appended.
 */
export async function importEvents(store: EventStore, file: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 500;
  // 1. An import into a store that holds events would interleave two histories: refuse.
  const head = await store.headPosition();
  if (head > 0) {
    throw new ImportRefusedError(`the target store is not empty (its log reaches position ${head}); import-events loads only into an empty store`);
  }
  // A key the target already knows would answer the import's append as a replay and leave its events out.
  for await (const record of store.idempotencyRecords({ batchSize: 1 })) {
    throw new ImportRefusedError(`the target store already holds idempotency records (key ${record.key}); import-events loads only into an empty store`);
  }
  const size = statSync(file).size;

  // 2. Check every line, that each stream's revisions run 0, 1, 2, … as an empty store will expect, and that each
  //    idempotency record lines up with the events of its append.
  const { summary, keyedAppendStarts } = await checkExport(file, size, options.progress?.check ?? NO_PROGRESS);

  // 3. Append in file order, consecutive events of one stream and one recordedAt together (they were consecutive in
  //    the source log too); an append has one recordedAt, so a change of instant starts a new one. An append with a
  //    record goes alone, events and record together, as the first store took it: its first event flushes what came
  //    before, and no batch limit cuts it.
  const progress = options.progress?.append ?? NO_PROGRESS;
  progress.start(size);
  let batch: RecordedEvent[] = [];
  let inKeyedAppend = false;
  const flush = async (record?: ExportedIdempotency) => {
    if (batch.length === 0) return;
    const first = batch[0];
    const result = await store.appendToStream(first.streamId, batch.map(toNewEvent), {
      expectedRevision: first.revision === 0 ? NO_STREAM : first.revision - 1,
      uniqueKeys: batch.flatMap(uniqueKeysOf),
      recordedAt: originalRecordedAt(first),
      ...(record && {
        idempotency: { key: record.key, fingerprint: record.fingerprint, response: record.response, createdAt: new Date(record.createdAt).toISOString() },
      }),
    });
    // Checked empty above, so only someone writing to the target meanwhile can have taken the key.
    if (result.replayed) throw new Error(`idempotency key ${record!.key} was taken in the target during the import; its events were not appended`);
    batch = [];
  };
  try {
    for await (const { event, idempotency, bytesRead } of readExport(file)) {
      const startsKeyedAppend = keyedAppendStarts.has(event.position) || idempotency?.result.firstPosition === event.position;
      if (batch.length > 0 && (startsKeyedAppend || (!inKeyedAppend && batch.length >= batchSize)
        || batch[0].streamId !== event.streamId || originalRecordedAt(batch[0]) !== originalRecordedAt(event))) {
        await flush();
        progress.update(bytesRead);
      }
      if (startsKeyedAppend) inKeyedAppend = true;
      batch.push(event);
      if (idempotency) {
        await flush(idempotency);
        inKeyedAppend = false;
      }
    }
    await flush();
    progress.update(size);
  } finally {
    progress.stop();
  }
  return summary;
}

/**
 * The whole file checked, and where each append of several events that carries a record begins (the appending pass
 * must start a new append there; one number per such append, while a set of the file's keys refuses a key twice).
 */
async function checkExport(file: string, size: number, progress: Progress): Promise<{ summary: ImportSummary; keyedAppendStarts: Set<number> }> {
  const revisions = new Map<string, number>();
  let format: ExportFormat | null = null;
  let lastPosition = 0;
  let lastRecordedAt = '';
  let events = 0;
  const keyedAppendStarts = new Set<number>();
  const keys = new Set<string>();
  // The lines one append could span: of one stream and one recordedAt, and after the previous record's append.
  let run: { streamId: string; recordedAt: string; positions: number[] } | undefined;
  // A store takes no instant later than its clock: refused here, before anything is appended.
  const now = new Date().toISOString();
  progress.start(size);
  try {
    for await (const { event, idempotency, format: lineFormat, line, bytesRead } of readExport(file)) {
      if (format !== null && lineFormat !== format) throw new BadExportLineError(line, `a ${lineFormat} line in a ${format} export`);
      format = lineFormat;
      if (event.position <= lastPosition) throw new BadExportLineError(line, `position ${event.position} does not follow ${lastPosition}`);
      lastPosition = event.position;
      const expected = (revisions.get(event.streamId) ?? -1) + 1;
      if (event.revision !== expected) {
        throw new BadExportLineError(line, `stream ${event.streamId} at revision ${event.revision}, expected ${expected}` +
          (expected === 0 ? ' (an import needs the whole log: export without --after)' : ''));
      }
      revisions.set(event.streamId, event.revision);
      const recordedAt = originalRecordedAt(event);
      if (recordedAt < lastRecordedAt) throw new BadExportLineError(line, `recorded at ${recordedAt}, before the previous event (${lastRecordedAt})`);
      if (recordedAt > now) throw new BadExportLineError(line, `recorded at ${recordedAt}, later than this machine's clock (${now})`);
      lastRecordedAt = recordedAt;
      if (run?.streamId !== event.streamId || run.recordedAt !== recordedAt) run = { streamId: event.streamId, recordedAt, positions: [] };
      run.positions.push(event.position);
      if (idempotency) {
        checkRecordedAppend(idempotency, run.positions, keys, line);
        if (idempotency.result.firstPosition < event.position) keyedAppendStarts.add(idempotency.result.firstPosition);
        keys.add(idempotency.key);
        run = undefined;
      }
      if (++events % 1000 === 0) progress.update(bytesRead);
    }
  } finally {
    progress.stop();
  }
  return { summary: { events, streams: revisions.size, idempotencyRecords: keys.size, format }, keyedAppendStarts };
}

/**
 * A record belongs to the append that ends on its line (parseExportLine checked that) and began at its firstPosition:
 * that must be a line of the current run, so every event between is of the same stream, recordedAt and append.
 */
function checkRecordedAppend(record: ExportedIdempotency, run: number[], keys: Set<string>, line: number): void {
  if (keys.has(record.key)) throw new BadExportLineError(line, `idempotency key ${record.key} is carried twice`);
  if (!run.includes(record.result.firstPosition)) {
    throw new BadExportLineError(line, `idempotency record ${record.key}: its append begins at position ${record.result.firstPosition}, ` +
      `which is not an earlier line of stream ${record.result.streamId} with the same recordedAt, after the previous record's append`);
  }
}

/** The export's events with their line numbers; blank lines (a trailing newline) are skipped. */
async function* readExport(file: string): AsyncGenerator<ExportLine & { line: number; bytesRead: number }> {
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      yield { ...parseExportLine(text, line), line, bytesRead: input.bytesRead };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

function toNewEvent(event: RecordedEvent): NewEvent {
  const { [IMPORTED_RECORDED_AT]: _stopgap, ...metadata } = event.metadata;
  return { type: event.type, data: event.data, metadata };
}

/**
 * When the first store recorded the event, in the port's form (UTC, milliseconds; an export may have been
 * rewritten by tools with another offset): the stopgap key of an earlier move if there is one, else recordedAt.
 */
function originalRecordedAt(event: RecordedEvent): string {
  const stopgap = event.metadata[IMPORTED_RECORDED_AT];
  const instant = typeof stopgap === 'string' && !Number.isNaN(Date.parse(stopgap)) ? stopgap : event.recordedAt;
  return new Date(instant).toISOString();
}

/**
 * The ledger-wide keys the API claimed when these events were first appended. They are not in the log, so
 * an import claims them again: refunds find a donation's campaign by them, and they keep ids unique.
 */
function uniqueKeysOf(event: RecordedEvent): string[] {
  if (event.type === 'DonationReceived' && typeof event.data.donationId === 'string') return [donationKey(event.data.donationId)];
  if (event.type === 'FundsDisbursed' && typeof event.data.disbursementId === 'string') return [disbursementKey(event.data.disbursementId)];
  return [];
}
