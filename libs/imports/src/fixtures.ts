/**
 * Test support: writing sheets of a kind, as staff would fill them in, for specs and the bench.
 * Rows are keyed by column field (`donor.name`); values go into cells as given (yuan as yuan).
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { SHEET_COLUMNS, type HeaderLanguage, type ImportColumn, type SheetKind } from './columns';

export type FixtureValue = string | number | boolean | Date | null | undefined;
export type FixtureRow = Readonly<Record<string, FixtureValue>>;

export interface WriteXlsxOptions {
  /** Excel itself writes text as shared strings; exceljs's streaming default is inline strings. */
  sharedStrings?: boolean;
  /** Only these fields, in this order (default: every column of the kind). */
  fields?: readonly string[];
}

function columnsOf(kind: SheetKind, fields?: readonly string[]): ImportColumn[] {
  const all = SHEET_COLUMNS[kind];
  if (!fields) return [...all];
  return fields.map((field) => {
    const column = all.find((candidate) => candidate.field === field);
    if (!column) throw new Error(`${kind} has no column ${field}`);
    return column;
  });
}

/** An XLSX of `rows` under headers in `language`, written with exceljs's streaming writer. */
export async function writeXlsx(kind: SheetKind, rows: Iterable<FixtureRow>, language: HeaderLanguage = 'zh-CN', options: WriteXlsxOptions = {}): Promise<Buffer> {
  const columns = columnsOf(kind, options.fields);
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: options.sharedStrings ?? false });
  const sheet = workbook.addWorksheet(kind);
  sheet.columns = columns.map((column) => ({ width: column.width, style: column.type === 'date' ? { numFmt: 'yyyy-mm-dd' } : {} }));
  sheet.addRow(columns.map((column) => column.header[language])).commit();
  for (const row of rows) {
    sheet.addRow(columns.map((column) => row[column.field] ?? null)).commit();
  }
  sheet.commit();
  await workbook.commit();
  return Buffer.concat(chunks);
}

export type CsvFixtureEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030';

function csvCell(value: FixtureValue): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV of `rows`; `gb18030` writes what Chinese Excel's plain "CSV" export writes. */
export function writeCsv(kind: SheetKind, rows: Iterable<FixtureRow>, language: HeaderLanguage = 'zh-CN', encoding: CsvFixtureEncoding = 'utf-8-bom', fields?: readonly string[]): Buffer {
  const columns = columnsOf(kind, fields);
  const lines = [columns.map((column) => csvCell(column.header[language])).join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvCell(row[column.field])).join(','));
  const text = `${lines.join('\r\n')}\r\n`;
  if (encoding === 'gb18030') return encodeGb18030(text);
  const utf8 = Buffer.from(text, 'utf8');
  return encoding === 'utf-8-bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]) : utf8;
}

let gbTable: Map<number, number> | undefined;

/**
 * Node can decode GB18030 but not encode it, so the two-byte table is read back from the decoder:
 * every lead byte 0x81–0xFE with every trail byte decodes to exactly one character.
 */
function gb18030Table(): Map<number, number> {
  if (gbTable) return gbTable;
  const pairs: number[] = [];
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) if (trail !== 0x7f) pairs.push(lead, trail);
  }
  const decoded = new TextDecoder('gb18030').decode(Uint8Array.from(pairs));
  gbTable = new Map();
  for (let i = 0; i < decoded.length; i++) {
    const code = decoded.charCodeAt(i);
    if (code !== 0xfffd && !gbTable.has(code)) gbTable.set(code, (pairs[2 * i] << 8) | pairs[2 * i + 1]);
  }
  return gbTable;
}

/** ASCII and the two-byte GBK range; anything else becomes `?` (enough for fixtures). */
export function encodeGb18030(text: string): Buffer {
  const table = gb18030Table();
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) { bytes.push(code); continue; }
    const pair = table.get(code);
    if (pair === undefined) bytes.push(0x3f);
    else bytes.push(pair >> 8, pair & 0xff);
  }
  return Buffer.from(bytes);
}
