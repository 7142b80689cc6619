/**
 * The rows an import refused, as they were in the file, with a column saying why. The job writes the sheet itself
 * (exceljs's streaming writer: 50,000 rows without holding a cell object each) and keeps it, deflated, in its result or
 * failure; GET /imports/{jobId}/refused.xlsx serves it, and the uploader fixes the rows there and uploads that sheet.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { REFUSED_SHEET_HEADERS, type CellValue, type HeaderLanguage, type ParsedImport } from '@tongxin/imports';
import type { JobView } from '@tongxin/jobs';
import { API_PREFIX } from '../http/api-prefix';

export interface RefusedSheet {
  /** Where to download it. */
  url: string;
  /** Rows in it. */
  rows: number;
  language: HeaderLanguage;
  /** The .xlsx itself, base64: a few bytes a row, where the rows as JSON would take the job view hundreds. */
  xlsx: string;
}

export const refusedSheetUrl = (jobId: string) => `/${API_PREFIX}/imports/${encodeURIComponent(jobId)}/refused.xlsx`;

/** The refused rows a finished import kept: in its result (valid-rows) or its failure (all-or-nothing). */
export function refusedSheetOfJob(job: JobView): RefusedSheet | undefined {
  const fromResult = (job.result as { refusedSheet?: RefusedSheet } | null | undefined)?.refusedSheet;
  const fromError = (job.error?.details as { refusedSheet?: RefusedSheet } | undefined)?.refusedSheet;
  return fromResult ?? fromError;
}

/**
 * A job as GET /jobs/{id} shows it: the refused rows' sheet named by its url and size, not carried whole (megabytes of
 * base64 at 50,000 rows) in every poll of the job's progress.
 */
export function withoutSheetBytes(job: JobView): JobView {
  const sheet = refusedSheetOfJob(job);
  if (!sheet) return job;
  const { xlsx: _bytes, ...named } = sheet;
  const result = job.result as { refusedSheet?: RefusedSheet } | null | undefined;
  if (result?.refusedSheet) return { ...job, result: { ...result, refusedSheet: named } };
  return { ...job, error: { ...job.error!, details: { ...(job.error!.details as object), refusedSheet: named } } };
}

/** The two columns added after the file's; an import skips them, so the fixed sheet uploads as it is. */
const ADDED_HEADERS: Record<HeaderLanguage, readonly [row: string, errors: string]> = {
  'zh-CN': [REFUSED_SHEET_HEADERS[0], REFUSED_SHEET_HEADERS[1]],
  en: [REFUSED_SHEET_HEADERS[2], REFUSED_SHEET_HEADERS[3]],
};

/** A date as the file showed it; an Excel error as its text. */
function plain(value: CellValue | undefined): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
  }
  if (typeof value === 'object') return value.error;
  return value;
}

export async function refusedSheetOf(
  jobId: string, parsed: Extract<ParsedImport, { ok: true }>, refusals: ReadonlyMap<number, readonly { column: string | null; message: string }[]>,
): Promise<RefusedSheet> {
  const { language } = parsed;
  const columns = [...parsed.columns].sort((a, b) => a.column - b.column);
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  const data = workbook.addWorksheet(language === 'zh-CN' ? '未导入的行' : 'Refused rows', { views: [{ state: 'frozen', ySplit: 1 }] });
  data.columns = [...columns.map(() => ({ width: 16 })), { width: 10 }, { width: 60, style: { alignment: { wrapText: true, vertical: 'top' }, font: { color: { argb: 'FFC00000' } } } }];
  const header = data.addRow([...columns.map((column) => column.header), ...ADDED_HEADERS[language]]);
  header.font = { bold: true };
  header.commit();
  let rows = 0;
  for (const row of parsed.sheetRows) {
    const errors = refusals.get(row.rowNumber);
    if (!errors) continue;
    const why = errors.map((error) => (error.column ? `${error.column}: ${error.message}` : error.message)).join('\n');
    data.addRow([...columns.map((column) => plain(row.values[column.field])), row.rowNumber, why]).commit();
    rows++;
  }
  data.commit();
  await workbook.commit();
  return { url: refusedSheetUrl(jobId), rows, language, xlsx: Buffer.concat(chunks).toString('base64') };
}
