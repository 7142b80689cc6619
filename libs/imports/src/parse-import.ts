import type { ImportKind } from './columns';
import { convertRow, type ConvertedRow } from './convert-row';
import { fileHash } from './identity';
import { readSheet, type ReadSheetOptions, type SheetFormat } from './read-sheet';
import type { SheetColumn, SheetProblem } from './sheet';

export type ParsedImport =
  | { ok: true; kind: ImportKind; hash: string; columns: SheetColumn[]; rows: ConvertedRow[]; rowsWithErrors: number }
  | { ok: false; kind: ImportKind; hash: string; problems: SheetProblem[] };

/** readSheet, then convertRow on every row: everything the import job needs before DTO validation. */
export async function parseImport(buffer: Buffer, format: SheetFormat, kind: ImportKind, options?: ReadSheetOptions): Promise<ParsedImport> {
  const hash = fileHash(buffer);
  const sheet = await readSheet(buffer, format, kind, options);
  if (!sheet.ok) return { ok: false, kind, hash, problems: sheet.problems };
  const rows = sheet.rows.map((row) => convertRow(kind, row));
  const rowsWithErrors = rows.reduce((count, row) => count + (row.errors.length > 0 ? 1 : 0), 0);
  return { ok: true, kind, hash, columns: sheet.columns, rows, rowsWithErrors };
}
