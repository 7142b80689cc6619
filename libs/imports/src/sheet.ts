/**
 * From raw rows to a sheet of one import kind: the first non-empty row is the header row, matched
 * against the kind's columns in either language; every later non-empty row keeps its sheet row number.
 */
import { isForeignSheet, SHEET_COLUMNS, type ImportColumn, type SheetKind } from './columns';
import { isEmptyCell, type CellValue } from './cells';

/** One column of the file: which field it fills and its header as written in the file. */
export interface SheetColumn {
  field: string;
  header: string;
  /** 1-based column number in the file. */
  column: number;
}

/** What every row of a sheet shares. */
export interface SheetContext {
  kind: SheetKind;
  /** Header text as written in the file, by field; only the columns the file has. */
  headers: Readonly<Record<string, string>>;
  /** The workbook counts date serials from 1904 (old Mac Excel). */
  date1904: boolean;
}

export interface SheetRow {
  /** 1-based row number in the sheet (CSV: record number), as Excel shows it. */
  rowNumber: number;
  /** Cell values by field; empty cells are absent. */
  values: Readonly<Record<string, CellValue>>;
  sheet: SheetContext;
}

/** A problem with the file as a whole: nothing of it can be imported. */
export interface SheetProblem {
  /** The header concerned, as in the file or as expected; null when the file itself is unreadable. */
  column: string | null;
  message: string;
}

export type SheetReadResult =
  | { ok: true; kind: SheetKind; headerRow: number; columns: SheetColumn[]; rows: SheetRow[] }
  | { ok: false; kind: SheetKind; problems: SheetProblem[] };

/** Header text compared loosely: spaces, full/half-width forms, case and a required-marker `*` ignored. */
export function headerKey(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '').replace(/^\*+|\*+$/g, '').toLowerCase();
}

/** A header's column and its rank among that column's headers (0: the Chinese header). */
interface HeaderMatch {
  column: ImportColumn;
  rank: number;
}

const lookups = new Map<SheetKind, Map<string, HeaderMatch>>();

function headerLookup(kind: SheetKind): Map<string, HeaderMatch> {
  let lookup = lookups.get(kind);
  if (!lookup) {
    lookup = new Map();
    for (const column of SHEET_COLUMNS[kind]) {
      [column.header['zh-CN'], column.header.en, ...(column.aliases ?? [])].forEach((header, rank) => {
        if (!lookup!.has(headerKey(header))) lookup!.set(headerKey(header), { column, rank });
      });
    }
    lookups.set(kind, lookup);
  }
  return lookup;
}

function headerText(value: CellValue): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object' && value !== null) return value.error;
  return String(value).trim();
}

function bothHeaders(column: ImportColumn): string {
  return `"${column.header['zh-CN']}" (${column.header.en})`;
}

/**
 * Matches a header row to the kind's columns. A foreign sheet (a bank's export) keeps, per field, the column whose
 * header ranks first, and ignores columns it does not know; an import sheet refuses both.
 */
export function matchHeaders(kind: SheetKind, cells: readonly CellValue[]): { columns: SheetColumn[]; problems: SheetProblem[] } {
  const lookup = headerLookup(kind);
  const foreign = isForeignSheet(kind);
  const columns: SheetColumn[] = [];
  const problems: SheetProblem[] = [];
  const seen = new Map<string, { header: string; rank: number; at: number }>();
  cells.forEach((cell, index) => {
    if (isEmptyCell(cell)) return;
    const header = headerText(cell);
    const match = lookup.get(headerKey(header));
    const earlier = match && seen.get(match.column.field);
    if (!match) {
      if (!foreign) problems.push({ column: header, message: `unknown column "${header}" for ${kind}` });
    } else if (earlier && !foreign) {
      problems.push({ column: header, message: `column "${header}" repeats "${earlier.header}"` });
    } else if (earlier) {
      if (match.rank < earlier.rank) {
        columns[earlier.at] = { field: match.column.field, header, column: index + 1 };
        seen.set(match.column.field, { header, rank: match.rank, at: earlier.at });
      }
    } else {
      seen.set(match.column.field, { header, rank: match.rank, at: columns.length });
      columns.push({ field: match.column.field, header, column: index + 1 });
    }
  });
  for (const column of SHEET_COLUMNS[kind]) {
    if (column.required && !seen.has(column.field)) {
      problems.push({ column: column.header['zh-CN'], message: `missing required column ${bothHeaders(column)}` });
    }
  }
  return { columns, problems };
}

/** Rows a foreign sheet may hold above its header row. */
const MAX_TITLE_ROWS = 30;

/** Collects raw rows into a sheet; stops at a bad header row. */
export class SheetBuilder {
  private headerRow = 0;
  private columns: SheetColumn[] = [];
  private fields: (string | undefined)[] = [];
  private problems: SheetProblem[] = [];
  private readonly rows: SheetRow[] = [];
  private context: SheetContext | undefined;

  constructor(private readonly kind: SheetKind) {}

  /** Takes one raw row; false once the header row turned out bad and reading can stop. */
  add(rowNumber: number, cells: readonly CellValue[]): boolean {
    if (!this.context) {
      if (cells.every(isEmptyCell)) return true;
      this.headerRow = rowNumber;
      ({ columns: this.columns, problems: this.problems } = matchHeaders(this.kind, cells));
      // A bank's export opens with title rows (bank, account, period): the header is the first row that fits.
      if (this.problems.length > 0 && isForeignSheet(this.kind) && rowNumber < MAX_TITLE_ROWS) return true;
      if (this.problems.length > 0) return false;
      this.fields = [];
      for (const column of this.columns) this.fields[column.column - 1] = column.field;
      const headers = Object.fromEntries(this.columns.map((column) => [column.field, column.header]));
      this.context = { kind: this.kind, headers, date1904: false };
      return true;
    }
    let values: Record<string, CellValue> | undefined;
    const width = Math.min(cells.length, this.fields.length);
    for (let index = 0; index < width; index++) {
      const field = this.fields[index];
      const value = cells[index];
      if (field === undefined || isEmptyCell(value)) continue;
      (values ??= {})[field] = value;
    }
    if (values) this.rows.push({ rowNumber, values, sheet: this.context });
    return true;
  }

  result(date1904 = false): SheetReadResult {
    if (!this.context) {
      if (this.problems.length > 0) return { ok: false, kind: this.kind, problems: this.problems };
      return { ok: false, kind: this.kind, problems: [{ column: null, message: 'the sheet is empty: no header row' }] };
    }
    this.context.date1904 = date1904;
    return { ok: true, kind: this.kind, headerRow: this.headerRow, columns: this.columns, rows: this.rows };
  }
}
