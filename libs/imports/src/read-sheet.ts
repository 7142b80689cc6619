import type { HeaderLanguage, SheetKind } from './columns';
import { CsvFormatError, readCsvRows } from './csv-reader';
import { SheetFormatError, SheetTooLargeError } from './limits';
import { SheetBuilder, type SheetReadResult } from './sheet';
import { readWorkbookRows } from './workbook-reader';

/** `xlsx`, `xls` and `ods` are all read as workbooks (SheetJS tells them apart by their bytes). */
export type SheetFormat = 'xlsx' | 'xls' | 'ods' | 'csv';

export interface ReadSheetOptions {
  /** The language of messages when the file's headers tell none (e.g. from Accept-Language); default Chinese. */
  language?: HeaderLanguage;
}

/**
 * Reads an uploaded file as a sheet of `kind`: the header row matched to the kind's columns, then every
 * non-empty row with its sheet row number. A bad file or header row, or a file beyond the limits (limits.ts), gives
 * `ok: false` with the problems, in the language of the file's headers; this never throws for bad input.
 */
export async function readSheet(buffer: Buffer, format: SheetFormat, kind: SheetKind, options: ReadSheetOptions = {}): Promise<SheetReadResult> {
  const builder = new SheetBuilder(kind, options.language);
  const add = (rowNumber: number, cells: Parameters<SheetBuilder['add']>[1]) => builder.add(rowNumber, cells);
  const language = () => builder.messageLanguage;
  try {
    if (format === 'csv') {
      readCsvRows(buffer, add);
      return builder.result();
    }
    const { date1904 } = await readWorkbookRows(buffer, add);
    return builder.result(date1904);
  } catch (error) {
    if (error instanceof SheetTooLargeError) {
      return { ok: false, kind, problems: [{ column: null, message: error.text[language()], code: error.code }], language: language() };
    }
    if (error instanceof SheetFormatError) {
      return { ok: false, kind, problems: [{ column: null, message: error.text[language()] }], language: language() };
    }
    // csv-parse fails in many ways on a file that is not CSV; no failure of a parser may become a 500.
    const message = error instanceof CsvFormatError ? error.message : `the file cannot be read as ${format.toUpperCase()}: ${(error as Error).message}`;
    return { ok: false, kind, problems: [{ column: null, message }], language: language() };
  }
}

/** The media type of an XLSX workbook, as uploads name it and downloads answer with it. */
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const WORKBOOK_TYPES: Record<string, SheetFormat> = {
  [XLSX_CONTENT_TYPE]: 'xlsx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'text/csv': 'csv',
};

/** The format an upload's file name or content type names, if any. */
export function sheetFormatOf(fileName: string, contentType?: string): SheetFormat | undefined {
  const extension = /\.(xlsx|xls|ods|csv)$/i.exec(fileName)?.[1]?.toLowerCase();
  return (extension as SheetFormat | undefined) ?? (contentType ? WORKBOOK_TYPES[contentType] : undefined);
}
