/**
 * One sheet row → the JSON body the API would receive. Only type errors are found here (text in a
 * number column, an impossible date, three decimals); ranges and lengths are the API DTOs' to check.
 */
import { IMPORT_COLUMNS, type ImportColumn, type ImportKind } from './columns';
import {
  enumLookup, toBoolean, toCalendarDate, toEnum, toInteger, toItems, toText, yuanToFen,
  isCellError, describeCell, type CellValue, type Converted,
} from './cells';
import type { SheetRow } from './sheet';

export interface RowError {
  /** The header as written in the file. */
  column: string;
  /** The body path (`donor.name`) or path parameter (`volunteerId`). */
  field: string;
  message: string;
}

export interface ConvertedRow {
  rowNumber: number;
  /** The API body; complete only when `errors` is empty. */
  body: Record<string, unknown>;
  /** URL parameters of the API call: `{ volunteerId }` for hours, `{}` otherwise. */
  params: Record<string, string>;
  errors: RowError[];
}

type Converter = (value: CellValue, date1904: boolean) => Converted<unknown>;

function converterFor(column: ImportColumn): Converter {
  switch (column.type) {
    case 'text': return toText;
    case 'integer': return toInteger;
    case 'date': return toCalendarDate;
    case 'yuan': return yuanToFen;
    case 'boolean': return toBoolean;
    case 'items': return toItems;
    case 'enum': {
      const options = column.options ?? [];
      const lookup = enumLookup(options);
      return (value) => toEnum(value, lookup, options);
    }
  }
}

interface PreparedColumn {
  column: ImportColumn;
  path: string[];
  convert: Converter;
}

const prepared = new Map<ImportKind, PreparedColumn[]>();

function preparedColumns(kind: ImportKind): PreparedColumn[] {
  let columns = prepared.get(kind);
  if (!columns) {
    columns = IMPORT_COLUMNS[kind].map((column) => ({ column, path: column.field.split('.'), convert: converterFor(column) }));
    prepared.set(kind, columns);
  }
  return columns;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let object = target;
  for (let i = 0; i < path.length - 1; i++) object = (object[path[i]] ??= {}) as Record<string, unknown>;
  object[path[path.length - 1]] = value;
}

/** Converts one row of a sheet read by `readSheet` for `kind`. */
export function convertRow(kind: ImportKind, row: SheetRow): ConvertedRow {
  const body: Record<string, unknown> = {};
  const params: Record<string, string> = {};
  const errors: RowError[] = [];
  const { headers, date1904, language } = row.sheet;
  const required = language === 'zh-CN' ? '必填，不能为空' : 'a value is required';
  for (const { column, path, convert } of preparedColumns(kind)) {
    const header = headers[column.field];
    if (header === undefined) continue;
    const value = row.values[column.field];
    if (value === undefined) {
      if (column.required) errors.push({ column: header, field: column.field, message: required });
      continue;
    }
    const converted = isCellError(value)
      ? { ok: false as const, message: `the cell holds ${describeCell(value)}`, zh: `单元格是${describeCell(value, 'zh')}` }
      : convert(value, date1904);
    if (!converted.ok) {
      errors.push({ column: header, field: column.field, message: language === 'zh-CN' ? converted.zh : converted.message });
    } else if (column.target === 'path') {
      params[column.field] = converted.value as string;
    } else {
      setPath(body, path, converted.value);
    }
  }
  return { rowNumber: row.rowNumber, body, params, errors };
}
