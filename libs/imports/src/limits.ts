/**
 * How much of a spreadsheet an import reads. A workbook is a ZIP of XML, so a small upload can unpack to gigabytes
 * (a 1.9 MiB file held 501 MiB of sheet XML). An .xlsx streams, its inflated bytes counted as they come; .xls and
 * .ods are parsed whole by SheetJS in a worker thread whose heap is capped. Either way no upload the limits let
 * through takes the server past 500 MiB (sheet-limits.int-spec.ts measures it).
 */
import type { HeaderLanguage } from './columns';

/**
 * Data rows an import or bank statement may hold (the header row and title rows above it not counted). An import checks
 * every row before it records any, so it holds them all: ~4 KB a row at its peak, read, converted and refused. 50,000
 * keep the API process under 500 MiB (test/import-memory.e2e-spec.ts); 100,000 took it to 600 MiB.
 */
export const MAX_SHEET_ROWS = 50_000;
/** Bytes all parts of a workbook may unpack to together, counted as they are inflated. */
export const MAX_UNPACKED_BYTES = 48 * 1024 * 1024;
/** Distinct texts an .xlsx's shared-strings table may hold: it is the one part kept whole while the sheet streams. */
export const MAX_SHARED_STRINGS = 2_000_000;
/** Parts (files) in a workbook's ZIP: a real workbook has a few dozen. */
export const MAX_ZIP_ENTRIES = 2_000;
/** The heap (old and young generations, MiB) of the worker that parses .xls and .ods: the parse fails as too large beyond it. */
export const WORKER_HEAP_MIB = { old: 192, young: 16 } as const;

export type Text = Readonly<Record<HeaderLanguage, string>>;

const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;

/** A workbook beyond the limits: refused whole, before anything of it is imported. */
export class SheetTooLargeError extends Error {
  readonly code = 'SHEET_TOO_LARGE';

  constructor(readonly text: Text) {
    super(text.en);
  }

  static unpacked(): SheetTooLargeError {
    return new SheetTooLargeError({
      'zh-CN': `文件解压后超过 ${mib(MAX_UNPACKED_BYTES)}，无法导入；请拆分为几个较小的文件。`,
      en: `the workbook unpacks to more than ${mib(MAX_UNPACKED_BYTES)}; split it into smaller files`,
    });
  }

  static rows(): SheetTooLargeError {
    return new SheetTooLargeError({
      'zh-CN': `文件超过 ${MAX_SHEET_ROWS.toLocaleString('en')} 行数据，无法导入；请拆分为几个较小的文件。`,
      en: `the sheet holds more than ${MAX_SHEET_ROWS.toLocaleString('en')} data rows; split it into smaller files`,
    });
  }

  static entries(): SheetTooLargeError {
    return new SheetTooLargeError({
      'zh-CN': `文件包含超过 ${MAX_ZIP_ENTRIES} 个部件，不是常见的工作簿，无法导入。`,
      en: `the workbook holds more than ${MAX_ZIP_ENTRIES} parts; it is not a workbook an office program saves`,
    });
  }

  static memory(): SheetTooLargeError {
    return new SheetTooLargeError({
      'zh-CN': '文件内容过多，读取时超出内存上限，无法导入；请拆分为几个较小的文件。',
      en: 'the workbook holds too much to read within the memory an import may use; split it into smaller files',
    });
  }
}

/** A file that cannot be read as the spreadsheet it claims to be. */
export class SheetFormatError extends Error {
  constructor(readonly text: Text) {
    super(text.en);
  }

  static unreadable(detail: string): SheetFormatError {
    return new SheetFormatError({
      'zh-CN': `无法读取该工作簿（${detail}）；请用 Excel、WPS 或 LibreOffice 另存为 .xlsx 后再上传。`,
      en: `the workbook cannot be read (${detail}); save it as .xlsx in Excel, WPS or LibreOffice and upload it again`,
    });
  }

  static noSheet(): SheetFormatError {
    return new SheetFormatError({ 'zh-CN': '工作簿中没有工作表。', en: 'the workbook has no worksheet' });
  }
}

/** The instant of an Excel date serial as the ledger reads it: the date and time shown, taken as UTC (epoch ms). */
export function excelSerialMs(serial: number, date1904: boolean): number {
  return Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000);
}
