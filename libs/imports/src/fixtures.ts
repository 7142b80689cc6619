/**
 * Test support: writing sheets of a kind, as staff would fill them in, for specs and the bench.
 * Rows are keyed by column field (`donor.name`); values go into cells as given (yuan as yuan).
 */
import { posix } from 'node:path';
import { PassThrough } from 'node:stream';
import { crc32, createDeflateRaw, inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { SHEET_COLUMNS, type HeaderLanguage, type ImportColumn, type SheetKind } from './columns';
import { zipParts } from './zip-guard';

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

interface ZipEntry {
  name: string;
  /** Deflated bytes. */
  data: Buffer;
  crc: number;
  size: number;
}

/** Deflates `chunks` as a stream: a part of hundreds of MiB never exists whole. */
async function deflatedPart(name: string, chunks: Iterable<string>): Promise<ZipEntry> {
  const deflate = createDeflateRaw({ level: 6 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  let crc = 0;
  let size = 0;
  for (const text of chunks) {
    const bytes = Buffer.from(text);
    crc = crc32(bytes, crc);
    size += bytes.length;
    if (!deflate.write(bytes)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return { name, data: Buffer.concat(out), crc, size };
}

/** A local header (`shift` 0) or a directory entry (`shift` 2): the same fields, two bytes apart. */
function zipHeader(signature: number, length: number, shift: number, entry: ZipEntry, declared: number): Buffer {
  const header = Buffer.alloc(length);
  header.writeUInt32LE(signature, 0);
  header.writeUInt16LE(20, 4 + shift);
  header.writeUInt16LE(8, 8 + shift);
  header.writeUInt32LE(entry.crc >>> 0, 14 + shift);
  header.writeUInt32LE(entry.data.length, 18 + shift);
  header.writeUInt32LE(declared, 22 + shift);
  header.writeUInt16LE(Buffer.byteLength(entry.name), 26 + shift);
  return header;
}

/** A ZIP of the parts; `declare` lets a test forge the sizes the directory states. */
function zipOf(entries: ZipEntry[], declare: (entry: ZipEntry) => number = (entry) => entry.size): Buffer {
  const locals: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const central = zipHeader(0x02014b50, 46, 2, entry, declare(entry));
    central.writeUInt16LE(20, 4);
    central.writeUInt32LE(offset, 42);
    locals.push(zipHeader(0x04034b50, 30, 0, entry, declare(entry)), name, entry.data);
    directory.push(central, name);
    offset += 30 + name.length + entry.data.length;
  }
  const size = directory.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...directory, end]);
}

export interface BigSheetOptions {
  /** Forge every part's size in the ZIP directory (a bomb that hides). */
  declaredSize?: number;
  /** Leave out row and cell references (`r`), as OOXML allows: every row the same bytes, so it packs like a bomb. */
  unnumbered?: boolean;
  /** Only these fields, in this order (default: every column of the kind). */
  fields?: readonly string[];
}

/**
 * A minimal .xlsx of one sheet: the header row of `kind`'s Chinese headers, then `rows` copies of `row` (cells by
 * field, text inline), deflated as it is written — a spreadsheet bomb at a few MiB, or the largest file allowed.
 */
export async function writeBigSheet(kind: SheetKind, row: FixtureRow, rows: number, options: BigSheetOptions = {}): Promise<Buffer> {
  const columns = columnsOf(kind, options.fields);
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const cellXml = (value: FixtureValue, index: number, rowRef: string) => {
    if (value === null || value === undefined) return '';
    const ref = options.unnumbered && rowRef !== '1' ? '' : ` r="${String.fromCharCode(65 + index)}${rowRef}"`;
    return typeof value === 'number' ? `<c${ref}><v>${value}</v></c>` : `<c${ref} t="inlineStr"><is><t>${escape(String(value))}</t></is></c>`;
  };
  const header = `<row r="1">${columns.map((column, i) => cellXml(column.header['zh-CN'], i, '1')).join('')}</row>`;
  // Every cell, empty ones too, so unnumbered cells keep their columns.
  const cells = columns.map((column, i) => cellXml(row[column.field] ?? (options.unnumbered ? '' : null), i, '#')).join('').split('#');
  function* sheet(): Generator<string> {
    yield '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
    yield header;
    const batch: string[] = [];
    for (let r = 2; r <= rows + 1; r++) {
      batch.push(options.unnumbered ? `<row>${cells[0]}</row>` : `<row r="${r}">${cells.join(String(r))}</row>`);
      if (batch.length === 2000) yield batch.splice(0).join('');
    }
    yield batch.join('');
    yield '</sheetData></worksheet>';
  }
  const main = 'http://schemas.openxmlformats.org';
  const entries = [
    await deflatedPart('[Content_Types].xml', [`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="${main}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`]),
    await deflatedPart('_rels/.rels', [`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${main}/package/2006/relationships"><Relationship Id="rId1" Type="${main}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`]),
    await deflatedPart('xl/workbook.xml', [`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${main}/spreadsheetml/2006/main" xmlns:r="${main}/officeDocument/2006/relationships"><sheets><sheet name="${kind}" sheetId="1" r:id="rId1"/></sheets></workbook>`]),
    await deflatedPart('xl/_rels/workbook.xml.rels', [`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${main}/package/2006/relationships"><Relationship Id="rId1" Type="${main}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`]),
    await deflatedPart('xl/worksheets/sheet1.xml', sheet()),
  ];
  return zipOf(entries, options.declaredSize === undefined ? undefined : () => options.declaredSize!);
}

/**
 * The same workbook as openpyxl writes it: every relationship target an absolute part name (`/xl/worksheets/sheet1.xml`),
 * which OOXML allows and readers that join paths by hand miss.
 */
export async function withAbsolutePartNames(xlsx: Buffer): Promise<Buffer> {
  const entries: ZipEntry[] = [];
  for (const part of zipParts(xlsx)) {
    const data = xlsx.subarray(part.dataOffset, part.dataOffset + part.compressedSize);
    let text = (part.method === 8 ? inflateRawSync(data) : data).toString('utf8');
    if (part.name.endsWith('.rels')) {
      // `xl/_rels/workbook.xml.rels` holds targets relative to `xl/`; `_rels/.rels` to the package root.
      const base = part.name.replace(/_rels\/[^/]*$/, '');
      text = text.replace(/Target="(?!\/|https?:)([^"]+)"/g, (_match, target: string) => `Target="/${posix.normalize(base + target)}"`);
    }
    entries.push(await deflatedPart(part.name, [text]));
  }
  return zipOf(entries);
}
