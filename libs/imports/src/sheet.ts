/**
 * From raw rows to a sheet of one import kind: the first non-empty row is the header row, matched
 * against the kind's columns in either language; every later non-empty row keeps its sheet row number.
 */
import { isForeignSheet, SHEET_COLUMNS, type HeaderLanguage, type ImportColumn, type SheetKind } from './columns';
import { isEmptyCell, type CellValue } from './cells';
import { MAX_SHEET_ROWS, SheetTooLargeError } from './limits';

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
  /** The language of the file's headers: its messages are written in it. */
  language: HeaderLanguage;
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
  /** In the language of the file's headers (or the one asked for when they tell none). */
  message: string;
  /** SHEET_TOO_LARGE when the file is beyond the limits (limits.ts). */
  code?: string;
}

export type SheetReadResult =
  | { ok: true; kind: SheetKind; headerRow: number; columns: SheetColumn[]; rows: SheetRow[]; language: HeaderLanguage }
  | { ok: false; kind: SheetKind; problems: SheetProblem[]; language: HeaderLanguage };

const HAN = /\p{Script=Han}/u;

/** A header row is Chinese when most of its cells hold Chinese characters. */
export function headerLanguage(cells: readonly CellValue[], fallback: HeaderLanguage): HeaderLanguage {
  let chinese = 0;
  let other = 0;
  for (const cell of cells) {
    if (typeof cell !== 'string' || cell.trim() === '') continue;
    if (HAN.test(cell)) chinese++;
    else other++;
  }
  if (chinese === 0 && other === 0) return fallback;
  return chinese >= other ? 'zh-CN' : 'en';
}

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

/** The columns a sheet of refused rows adds (original row number, errors): an import skips them. */
export const REFUSED_SHEET_HEADERS = ['原行号', '错误说明', 'Row in file', 'Errors'] as const;
const SKIPPED_HEADERS = new Set(REFUSED_SHEET_HEADERS.map(headerKey));

const KIND_NAMES: Record<SheetKind, string> = {
  activities: '活动', volunteers: '志愿者', hours: '服务时长', donations: '捐赠', 'bank-lines': '银行流水',
};

/**
 * Matches a header row to the kind's columns. A foreign sheet (a bank's export) keeps, per field, the column whose
 * header ranks first, and ignores columns it does not know; an import sheet refuses both.
 */
export function matchHeaders(
  kind: SheetKind, cells: readonly CellValue[], language: HeaderLanguage = 'en',
): { columns: SheetColumn[]; problems: SheetProblem[] } {
  const zh = language === 'zh-CN';
  const lookup = headerLookup(kind);
  const foreign = isForeignSheet(kind);
  const columns: SheetColumn[] = [];
  const problems: SheetProblem[] = [];
  const seen = new Map<string, { header: string; rank: number; at: number }>();
  cells.forEach((cell, index) => {
    if (isEmptyCell(cell)) return;
    const header = headerText(cell);
    if (SKIPPED_HEADERS.has(headerKey(header))) return;
    const match = lookup.get(headerKey(header));
    const earlier = match && seen.get(match.column.field);
    if (!match) {
      if (!foreign) {
        problems.push({ column: header, message: zh ? `“${header}”不是${KIND_NAMES[kind]}导入的列` : `unknown column "${header}" for ${kind}` });
      }
    } else if (earlier && !foreign) {
      problems.push({ column: header, message: zh ? `“${header}”与“${earlier.header}”是同一列` : `column "${header}" repeats "${earlier.header}"` });
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
      problems.push({
        column: column.header['zh-CN'],
        message: zh ? `缺少必填列“${column.header['zh-CN']}”（${column.header.en}）` : `missing required column ${bothHeaders(column)}`,
      });
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
  private language: HeaderLanguage;

  /** `language`: the messages' language when the file's headers tell none (an empty file). */
  constructor(private readonly kind: SheetKind, fallback: HeaderLanguage = 'zh-CN') {
    this.language = fallback;
  }

  /** Takes one raw row; false once the header row turned out bad and reading can stop. */
  add(rowNumber: number, cells: readonly CellValue[]): boolean {
    if (!this.context) {
      if (cells.every(isEmptyCell)) return true;
      this.headerRow = rowNumber;
      this.language = headerLanguage(cells, this.language);
      ({ columns: this.columns, problems: this.problems } = matchHeaders(this.kind, cells, this.language));
      // A bank's export opens with title rows (bank, account, period): the header is the first row that fits.
      if (this.problems.length > 0 && isForeignSheet(this.kind) && rowNumber < MAX_TITLE_ROWS) return true;
      if (this.problems.length > 0) return false;
      this.fields = [];
      for (const column of this.columns) this.fields[column.column - 1] = column.field;
      const headers = Object.fromEntries(this.columns.map((column) => [column.field, column.header]));
      this.context = { kind: this.kind, headers, date1904: false, language: this.language };
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
    if (values) {
      if (this.rows.length === MAX_SHEET_ROWS) throw SheetTooLargeError.rows();
      this.rows.push({ rowNumber, values, sheet: this.context });
    }
    return true;
  }

  result(date1904 = false): SheetReadResult {
    const { kind, language } = this;
    if (!this.context) {
      if (this.problems.length > 0) return { ok: false, kind, problems: this.problems, language };
      const message = language === 'zh-CN' ? '表格是空的：没有列名行' : 'the sheet is empty: no header row';
      return { ok: false, kind, problems: [{ column: null, message }], language };
    }
    this.context.date1904 = date1904;
    return { ok: true, kind, headerRow: this.headerRow, columns: this.columns, rows: this.rows, language };
  }

  /** The language messages about this file are written in. */
  get messageLanguage(): HeaderLanguage {
    return this.language;
  }
}
