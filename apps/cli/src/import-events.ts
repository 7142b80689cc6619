import { NO_STREAM, type EventStore, type NewEvent, type RecordedEvent } from '@tongxin/event-store';
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { disbursementKey, donationKey } from '../../api/src/donations/receive-donation.handler';
import { BadExportLineError, parseExportLine, type ExportFormat } from './exported-event';
import { NO_PROGRESS, type Progress } from './progress';

/** A refusal the user can act on; nothing was appended. */
export class ImportRefusedError extends Error {
  override readonly name = 'ImportRefusedError';
}

export interface ImportOptions {
  /** Two phases: checking the whole file, then appending it. Both report bytes of the file read. */
  progress?: { check: Progress; append: Progress };
  /** Consecutive events of one stream appended in one call, at most this many. */
  batchSize?: number;
}

export interface ImportSummary {
  events: number;
  streams: number;
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
 * its original recordedAt (AppendOptions.recordedAt), so as-of answers are the same after the move. The file
 * is read twice: first checked whole (so a bad line or a gap appends nothing), then appended.
 */
export async function importEvents(store: EventStore, file: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 500;
  // 1. An import into a store that holds events would interleave two histories: refuse.
  const head = await store.headPosition();
  if (head > 0) {
    throw new ImportRefusedError(`the target store is not empty (its log reaches position ${head}); import-events loads only into an empty store`);
  }
  const size = statSync(file).size;

  // 2. Check every line, and that each stream's revisions run 0, 1, 2, … as an empty store will expect.
  const summary = await checkExport(file, size, options.progress?.check ?? NO_PROGRESS);

  // 3. Append in file order, consecutive events of one stream and one recordedAt together (they were consecutive in
  //    the source log too); an append has one recordedAt, so a change of instant starts a new one.
  const progress = options.progress?.append ?? NO_PROGRESS;
  progress.start(size);
  let batch: RecordedEvent[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const first = batch[0];
    await store.appendToStream(first.streamId, batch.map(toNewEvent), {
      expectedRevision: first.revision === 0 ? NO_STREAM : first.revision - 1,
      uniqueKeys: batch.flatMap(uniqueKeysOf),
      recordedAt: originalRecordedAt(first),
    });
    batch = [];
  };
  try {
    for await (const { event, bytesRead } of readExport(file)) {
      if (batch.length >= batchSize || (batch.length > 0
        && (batch[0].streamId !== event.streamId || originalRecordedAt(batch[0]) !== originalRecordedAt(event)))) {
        await flush();
        progress.update(bytesRead);
      }
      batch.push(event);
    }
    await flush();
    progress.update(size);
  } finally {
    progress.stop();
  }
  return summary;
}

async function checkExport(file: string, size: number, progress: Progress): Promise<ImportSummary> {
  const revisions = new Map<string, number>();
  let format: ExportFormat | null = null;
  let lastPosition = 0;
  let lastRecordedAt = '';
  let events = 0;
  // A store takes no instant later than its clock: refused here, before anything is appended.
  const now = new Date().toISOString();
  progress.start(size);
  try {
    for await (const { event, format: lineFormat, line, bytesRead } of readExport(file)) {
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
      if (++events % 1000 === 0) progress.update(bytesRead);
    }
  } finally {
    progress.stop();
  }
  return { events, streams: revisions.size, format };
}

/** The export's events with their line numbers; blank lines (a trailing newline) are skipped. */
async function* readExport(file: string): AsyncGenerator<{ event: RecordedEvent; format: ExportFormat; line: number; bytesRead: number }> {
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
