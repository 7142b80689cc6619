/**
 * The worker thread that parses a workbook with SheetJS (@e965/xlsx): .xlsx however it was written (Excel, WPS,
 * LibreOffice, openpyxl's absolute part names), legacy .xls and .ods. It runs with a capped heap (workbook-reader.ts),
 * so a workbook too big to hold ends this thread, not the server. It imports nothing of the ledger but limits.ts
 * (no dependencies): it must load on its own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as XLSX from '@e965/xlsx';
import { excelSerialMs } from './limits';

export interface WorkerRequest {
  file: Uint8Array;
  /** Sheet rows read at most; a value at or below this row means the sheet is too long. */
  rowLimit: number;
}

/**
 * A cell as the main thread takes it (see CellValue in cells.ts); a date as its epoch milliseconds, since a Date
 * cloned across threads is not `instanceof` the Date of another realm (Jest's sandbox).
 */
export type WorkerCell = string | number | boolean | { date: number } | { error: string } | null;

export type WorkerReply =
  | { ok: true; rows: [rowNumber: number, cells: WorkerCell[]][]; date1904: boolean; truncated: boolean }
  | { ok: false; reason: 'no-sheet' | 'unreadable'; message: string };

/** Excel's error codes as SheetJS keeps them in an error cell's `v`. */
const ERRORS: Record<number, string> = {
  0x00: '#NULL!', 0x07: '#DIV/0!', 0x0f: '#VALUE!', 0x17: '#REF!', 0x1d: '#NAME?', 0x24: '#NUM!', 0x2a: '#N/A', 0x2b: '#GETTING_DATA',
};

const dateFormats = new Map<string, boolean>();

/** SheetJS parses the format on each call; a sheet has a handful of formats and many cells. */
function isDateFormat(format: string): boolean {
  let isDate = dateFormats.get(format);
  if (isDate === undefined) dateFormats.set(format, (isDate = XLSX.SSF.is_date(format) as boolean));
  return isDate;
}

function cellValue(cell: XLSX.CellObject | undefined, date1904: boolean): WorkerCell {
  if (!cell) return null;
  switch (cell.t) {
    case 's':
      // An XML parser reads a written CR LF as LF; some writers keep the CR as `_x000D_`.
      return String(cell.v).replace(/\r\n?/g, '\n');
    case 'n':
      return typeof cell.z === 'string' && isDateFormat(cell.z) ? { date: excelSerialMs(cell.v as number, date1904) } : cell.v as number;
    case 'b':
      return cell.v as boolean;
    case 'd':
      return { date: (cell.v instanceof Date ? cell.v : new Date(String(cell.v))).getTime() };
    case 'e':
      return { error: cell.w ?? ERRORS[cell.v as number] ?? '#ERROR' };
    default:
      return null;
  }
}

export function parseWorkbook({ file, rowLimit }: WorkerRequest): WorkerReply {
  let workbook: XLSX.WorkBook;
  try {
    workbook = XLSX.read(file, {
      type: 'buffer', dense: true, sheets: 0, sheetRows: rowLimit + 1,
      cellDates: false, cellNF: true, cellText: false, cellHTML: false, cellFormula: false, cellStyles: false,
      bookVBA: false, bookDeps: false, WTF: false,
    });
  } catch (error) {
    return { ok: false, reason: 'unreadable', message: (error as Error).message };
  }
  const sheet = workbook.Sheets[workbook.SheetNames[0]];
  if (!sheet) return { ok: false, reason: 'no-sheet', message: 'the workbook has no worksheet' };
  const date1904 = Boolean(workbook.Workbook?.WBProps?.date1904);
  const data = (sheet['!data'] ?? []) as (XLSX.CellObject[] | undefined)[];
  const rows: [number, WorkerCell[]][] = [];
  let truncated = false;
  data.forEach((row, index) => {
    if (!row) return;
    const cells: WorkerCell[] = new Array(row.length);
    let empty = true;
    for (let column = 0; column < row.length; column++) {
      cells[column] = cellValue(row[column], date1904);
      if (cells[column] !== null) empty = false;
    }
    if (empty) return;
    if (index >= rowLimit) truncated = true;
    else rows.push([index + 1, cells]);
  });
  return { ok: true, rows, date1904, truncated };
}

if (parentPort && workerData?.sheetWorker) {
  // SheetJS warns on the console about formats it guesses (ODS number formats); the reply carries what matters.
  console.warn = console.error = () => undefined;
  const port = parentPort;
  port.once('message', (request: WorkerRequest) => port.postMessage(parseWorkbook(request)));
}
