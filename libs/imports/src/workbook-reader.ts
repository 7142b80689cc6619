/**
 * Reading a workbook's first sheet. An .xlsx streams (xlsx-stream.ts): memory holds its rows, not its XML. Legacy
 * .xls and .ods go to SheetJS, which holds the whole workbook while it parses (docs/decisions/001-spreadsheet-reader.md):
 * the ZIP is measured first (zip-guard.ts) and SheetJS runs in a worker thread with a capped heap, so a workbook too big
 * to hold fails as too large instead of taking the server's memory.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { CellValue } from './cells';
import { MAX_SHEET_ROWS, SheetFormatError, SheetTooLargeError, WORKER_HEAP_MIB } from './limits';
import type { WorkerCell, WorkerReply, WorkerRequest } from './sheet-worker';
import { streamXlsxRows } from './xlsx-stream';
import { isZip, measureZip, zipParts } from './zip-guard';

/** Called per non-empty row with its 1-based row number and cells by 0-based column; return false to stop. */
export type RowSink = (rowNumber: number, cells: CellValue[]) => boolean | void;

/** Rows above the header a bank's export may have, on top of the data rows. */
const ROWS_ABOVE_DATA = 64;

const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

export function isLegacyWorkbook(buffer: Buffer): boolean {
  return buffer.subarray(0, 8).equals(OLE_MAGIC);
}

const unreadable = SheetFormatError.unreadable;

/** In tests the worker is TypeScript: it compiles itself on load, as the bench does. */
function workerSource(): { code: string; eval: boolean } {
  const compiled = join(__dirname, 'sheet-worker.js');
  if (__filename.endsWith('.js')) return { code: compiled, eval: false };
  const source = join(__dirname, 'sheet-worker.ts');
  return { code: `require('@swc-node/register'); require(${JSON.stringify(source)});`, eval: true };
}

function parseInWorker(request: WorkerRequest): Promise<WorkerReply> {
  const { code, eval: isCode } = workerSource();
  const worker = new Worker(code, {
    eval: isCode,
    workerData: { sheetWorker: true },
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MIB.old, maxYoungGenerationSizeMb: WORKER_HEAP_MIB.young },
    stdout: false,
    stderr: false,
  });
  return new Promise<WorkerReply>((resolve, reject) => {
    worker.once('message', (reply: WorkerReply) => resolve(reply));
    worker.once('error', (error: Error & { code?: string }) => {
      reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? SheetTooLargeError.memory() : unreadable(error.message));
    });
    worker.once('exit', (code) => reject(unreadable(`the reader stopped with code ${code}`)));
    worker.postMessage(request);
  }).finally(() => void worker.terminate());
}

function fromWorker(cell: WorkerCell): CellValue {
  return cell !== null && typeof cell === 'object' && 'date' in cell ? new Date(cell.date) : cell;
}

/** Reads the workbook's first sheet; resolves with whether it counts dates from 1904. */
export async function readWorkbookRows(buffer: Buffer, sink: RowSink): Promise<{ date1904: boolean }> {
  if (isZip(buffer)) {
    // An Office Open XML package lists its content types; an OpenDocument one does not.
    if (zipParts(buffer).some((part) => part.name.replace(/^\/+/, '') === '[Content_Types].xml')) return streamXlsxRows(buffer, sink);
    await measureZip(buffer);
  } else if (!isLegacyWorkbook(buffer)) {
    throw unreadable('neither .xlsx, .xls nor .ods');
  }
  const reply = await parseInWorker({ file: buffer, rowLimit: MAX_SHEET_ROWS + ROWS_ABOVE_DATA });
  if (!reply.ok) {
    if (reply.reason === 'no-sheet') throw SheetFormatError.noSheet();
    throw unreadable(reply.message);
  }
  if (reply.truncated) throw SheetTooLargeError.rows();
  for (const [rowNumber, cells] of reply.rows) {
    if (sink(rowNumber, cells.map(fromWorker)) === false) break;
  }
  return { date1904: reply.date1904 };
}
