import type { HeaderLanguage, ImportKind } from './columns';
import { convertRow, type ConvertedRow } from './convert-row';
import { fileHash } from './identity';
import { readSheet, type ReadSheetOptions, type SheetFormat } from './read-sheet';
import type { SheetColumn, SheetProblem, SheetRow } from './sheet';

export type ParsedImport =
  | {
    ok: true; kind: ImportKind; hash: string; columns: SheetColumn[]; rows: ConvertedRow[]; rowsWithErrors: number; language: HeaderLanguage;
    /** The rows as read, before conversion, in the same order as `rows`: what a sheet of refused rows shows. */
    sheetRows: SheetRow[];
  }
  | { ok: false; kind: ImportKind; hash: string; problems: SheetProblem[]; language: HeaderLanguage };

/** readSheet, then convertRow on every row: everything the import job needs before DTO validation. */
export async function parseImport(buffer: Buffer, format: SheetFormat, kind: ImportKind, options?: ReadSheetOptions): Promise<ParsedImport> {
  const hash = fileHash(buffer);
  const sheet = await readSheet(buffer, format, kind, options);
  if (!sheet.ok) return { ok: false, kind, hash, problems: sheet.problems, language: sheet.language };
  const rows = sheet.rows.map((row) => convertRow(kind, row));
  const rowsWithErrors = rows.reduce((count, row) => count + (row.errors.length > 0 ? 1 : 0), 0);
  return { ok: true, kind, hash, columns: sheet.columns, rows, rowsWithErrors, language: sheet.language, sheetRows: sheet.rows };
}
