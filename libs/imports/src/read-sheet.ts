import type { SheetKind } from './columns';
import { CsvFormatError, readCsvRows } from './csv-reader';
import { SheetBuilder, type SheetReadResult } from './sheet';
import { readXlsxRows, XlsxFormatError, type XlsxEngine } from './xlsx-reader';

export type SheetFormat = 'xlsx' | 'csv';

export interface ReadSheetOptions {
  /** XLSX only; `exceljs` is the slower reference engine. */
  engine?: XlsxEngine;
}

/**
 * Reads an uploaded file as a sheet of `kind`: the header row matched to the kind's columns, then every
 * non-empty row with its sheet row number. A bad file or header row gives `ok: false` with the problems;
 * this never throws for bad input.
 */
export async function readSheet(buffer: Buffer, format: SheetFormat, kind: SheetKind, options: ReadSheetOptions = {}): Promise<SheetReadResult> {
  const builder = new SheetBuilder(kind);
  const add = (rowNumber: number, cells: Parameters<SheetBuilder['add']>[1]) => builder.add(rowNumber, cells);
  try {
    if (format === 'csv') {
      readCsvRows(buffer, add);
      return builder.result();
    }
    const { date1904 } = await readXlsxRows(buffer, add, options.engine);
    return builder.result(date1904);
  } catch (error) {
    if (error instanceof XlsxFormatError || error instanceof CsvFormatError) {
      return { ok: false, kind, problems: [{ column: null, message: error.message }] };
    }
    // exceljs and its unzipper fail in many ways on a corrupt or non-XLSX file.
    return { ok: false, kind, problems: [{ column: null, message: `the file cannot be read as ${format.toUpperCase()}: ${(error as Error).message}` }] };
  }
}

/** The media type of an XLSX workbook, as uploads name it and downloads answer with it. */
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The format an upload's file name or content type names, if any. */
export function sheetFormatOf(fileName: string, contentType?: string): SheetFormat | undefined {
  if (/\.xlsx$/i.test(fileName) || contentType === XLSX_CONTENT_TYPE) return 'xlsx';
  if (/\.csv$/i.test(fileName) || contentType === 'text/csv') return 'csv';
  return undefined;
}
