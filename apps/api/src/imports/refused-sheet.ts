/**
 * The rows an import refused, as they were in the file, with a column saying why: kept in the job's result (or
 * failure) and served as GET /imports/{jobId}/refused.xlsx, so the uploader fixes them there and uploads that sheet.
 */
import ExcelJS from 'exceljs';
import { REFUSED_SHEET_HEADERS, type CellValue, type HeaderLanguage, type ParsedImport } from '@tongxin/imports';
import { API_PREFIX } from '../http/api-prefix';

type RefusedCell = string | number | boolean | null;

export interface RefusedSheet {
  /** Where to download it. */
  url: string;
  language: HeaderLanguage;
  /** The file's headers, in its column order. */
  headers: string[];
  rows: { row: number; cells: RefusedCell[]; errors: string[] }[];
}

export const refusedSheetUrl = (jobId: string) => `/${API_PREFIX}/imports/${encodeURIComponent(jobId)}/refused.xlsx`;

/** A date as the file showed it; an Excel error as its text. */
function plain(value: CellValue | undefined): RefusedCell {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
  }
  if (typeof value === 'object') return value.error;
  return value;
}

export function refusedSheetOf(
  jobId: string, parsed: Extract<ParsedImport, { ok: true }>, refusals: ReadonlyMap<number, readonly { column: string | null; message: string }[]>,
): RefusedSheet {
  const columns = [...parsed.columns].sort((a, b) => a.column - b.column);
  const rows = parsed.sheetRows
    .filter((row) => refusals.has(row.rowNumber))
    .map((row) => ({
      row: row.rowNumber,
      cells: columns.map((column) => plain(row.values[column.field])),
      errors: refusals.get(row.rowNumber)!.map((error) => (error.column ? `${error.column}: ${error.message}` : error.message)),
    }));
  return { url: refusedSheetUrl(jobId), language: parsed.language, headers: columns.map((column) => column.header), rows };
}

/** The two columns added after the file's; an import ignores them, so the fixed sheet uploads as it is. */
const ERROR_HEADER: Record<HeaderLanguage, [row: string, errors: string]> = {
  'zh-CN': [REFUSED_SHEET_HEADERS[0], REFUSED_SHEET_HEADERS[1]],
  en: [REFUSED_SHEET_HEADERS[2], REFUSED_SHEET_HEADERS[3]],
};

/** The workbook: the file's columns, then each row's number in the uploaded file and its errors. */
export async function refusedSheetXlsx(sheet: RefusedSheet): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const data = workbook.addWorksheet(sheet.language === 'zh-CN' ? '未导入的行' : 'Refused rows', { views: [{ state: 'frozen', ySplit: 1 }] });
  const [rowHeader, errorHeader] = ERROR_HEADER[sheet.language];
  data.addRow([...sheet.headers, rowHeader, errorHeader]).font = { bold: true };
  for (const row of sheet.rows) data.addRow([...row.cells, row.row, row.errors.join('\n')]);
  data.getColumn(sheet.headers.length + 2).width = 60;
  data.getColumn(sheet.headers.length + 2).alignment = { wrapText: true, vertical: 'top' };
  data.getColumn(sheet.headers.length + 2).font = { color: { argb: 'FFC00000' } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
