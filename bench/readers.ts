/**
 * The spreadsheet readers weighed in docs/decisions/001-spreadsheet-reader.md, each on the same .xlsx in a process of
 * its own (peak RSS is per process): `node -r @swc-node/register bench/readers.ts <reader> <file.xlsx>` with reader
 * `stream` (libs/imports' .xlsx stream), `sheetjs` (@e965/xlsx, dense) or `exceljs` (exceljs 4.4's streaming
 * WorkbookReader, rows through its public API). Prints one JSON line: rows, milliseconds, peak RSS above the start.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import * as XLSX from '@e965/xlsx';
import ExcelJS from 'exceljs';
import { streamXlsxRows } from '../libs/imports/src/xlsx-stream';

async function count(reader: string, file: Buffer): Promise<number> {
  let rows = 0;
  switch (reader) {
    case 'stream':
      await streamXlsxRows(file, () => { rows++; });
      return rows;
    case 'sheetjs': {
      const book = XLSX.read(file, { type: 'buffer', dense: true, sheets: 0, cellNF: true, cellText: false, cellHTML: false, cellFormula: false });
      return (book.Sheets[book.SheetNames[0]]['!data'] ?? []).filter(Boolean).length;
    }
    case 'exceljs': {
      const book = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([file]), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache' });
      for await (const sheet of book) {
        for await (const _row of sheet) rows++;
        return rows;
      }
      return rows;
    }
    default:
      throw new Error(`no reader ${reader}`);
  }
}

async function main(): Promise<void> {
  const [reader, path] = process.argv.slice(2);
  const file = readFileSync(path);
  const baseline = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  const rows = await count(reader, file);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ reader, rows, ms: Math.round(ms), addedPeakMiB: Math.round((peak - baseline) / 1024 / 1024) }));
}

void main();
