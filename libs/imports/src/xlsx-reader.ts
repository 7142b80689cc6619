/**
 * Reading the first worksheet of an XLSX file row by row, with two engines:
 * - `scan` (default): exceljs's streaming WorkbookReader unzips the file and reads the shared strings,
 *   styles and workbook properties; the worksheet XML itself is read with a few regular expressions.
 *   SpreadsheetML rows are flat (`<row><c r t s><v/></c></row>`), and this is about 3× faster than
 *   building exceljs Row and Cell objects for every cell, which the 30,000 rows/s parse budget needs.
 * - `exceljs`: exceljs's in-memory `Workbook.xlsx.load`; slower, kept as the reference the scan engine
 *   is tested against.
 * exceljs 4.4's streaming reader decodes each compressed chunk as UTF-8 on its own, so a Chinese
 * character split across two chunks turns into U+FFFD (exceljs issues #2063, #2084). The scan engine
 * therefore decodes the worksheet itself with a streaming TextDecoder and has the shared-strings entry
 * decoded by the stream (`setEncoding`) before exceljs sees it. Both reach into fields exceljs 4.4 keeps
 * on its reader (`model`, `sharedStrings`, `styles`, `properties`, `_parseSharedStrings`, a worksheet's
 * `iterator`); exceljs is pinned to that version in package.json and the specs cover both paths.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { CellValue } from './cells';

export type XlsxEngine = 'scan' | 'exceljs';

/** Called per `<row>` with its 1-based row number and cells by 0-based column; return false to stop. */
export type RowSink = (rowNumber: number, cells: CellValue[]) => boolean | void;

interface RichText {
  richText: { text: string }[];
}
interface StyleModel {
  numFmt?: string;
}
interface WorksheetInternals {
  name: string;
  iterator: AsyncIterable<Buffer>;
}
/** The parts of exceljs 4.4's WorkbookReader the scan engine uses (see the file comment). */
interface ReaderInternals {
  model?: { sheets?: { name: string }[] };
  sharedStrings?: (string | RichText)[];
  styles: { getStyleModel(id: number): StyleModel | null };
  properties?: { model?: { date1904?: boolean } };
  parse(): AsyncIterable<{ eventType: string; value: WorksheetInternals }>;
  _parseSharedStrings(entry: { setEncoding(encoding: string): void }): AsyncIterable<unknown>;
}

export class XlsxFormatError extends Error {}

/** Reads the workbook's first sheet; resolves with whether the workbook counts dates from 1904. */
export async function readXlsxRows(buffer: Buffer, sink: RowSink, engine: XlsxEngine = 'scan'): Promise<{ date1904: boolean }> {
  if (buffer.length < 4 || buffer.readUInt32LE(0) !== 0x04034b50) {
    throw new XlsxFormatError('the file is not an XLSX workbook');
  }
  return engine === 'exceljs' ? readWithExcelJs(buffer, sink) : readWithScan(buffer, sink);
}

async function readWithScan(buffer: Buffer, sink: RowSink): Promise<{ date1904: boolean }> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buffer]), {
    worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore',
  }) as unknown as ReaderInternals;
  const parseSharedStrings = reader._parseSharedStrings;
  reader._parseSharedStrings = function (entry) {
    entry.setEncoding('utf8');
    return parseSharedStrings.call(this, entry);
  };
  let found = false;
  let stopped = false;
  for await (const { eventType, value: sheet } of reader.parse()) {
    if (eventType !== 'worksheet') continue;
    const first = reader.model?.sheets?.[0]?.name;
    if (found || (first !== undefined && sheet.name !== first)) {
      // Unread entries must still be drained for the unzip stream to move on.
      for await (const _chunk of sheet.iterator);
      continue;
    }
    found = true;
    const date1904 = reader.properties?.model?.date1904 === true;
    const keepGoing = (rowNumber: number, cells: CellValue[]) => !stopped && !(stopped = sink(rowNumber, cells) === false);
    await scanSheet(sheet.iterator, new CellDecoder(reader, date1904), keepGoing);
  }
  if (!found) throw new XlsxFormatError('the workbook has no worksheet');
  return { date1904: reader.properties?.model?.date1904 === true };
}

async function readWithExcelJs(buffer: Buffer, sink: RowSink): Promise<{ date1904: boolean }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new XlsxFormatError('the workbook has no worksheet');
  let going = true;
  sheet.eachRow((row) => {
    if (going) going = sink(row.number, (row.values as unknown[]).slice(1).map(fromExcelJs)) !== false;
  });
  return { date1904: workbook.properties.date1904 === true };
}

/** exceljs cell values (formula results, rich text, hyperlinks) → plain cell values. */
export function fromExcelJs(value: unknown): CellValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  const object = value as Record<string, unknown>;
  if (Array.isArray(object.richText)) return (object.richText as { text: string }[]).map((run) => run.text).join('');
  if (typeof object.error === 'string') return { error: object.error };
  if ('result' in object) return fromExcelJs(object.result);
  if ('text' in object) return fromExcelJs(object.text);
  return null;
}

const ROW = /<(?:[\w.-]+:)?row\b((?:[^>/]|\/(?!>))*)(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?row>)/g;
const CELL = /<(?:[\w.-]+:)?c\b((?:[^>/]|\/(?!>))*)(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?c>)/g;
const ROW_CLOSE = /<\/(?:[\w.-]+:)?row>/g;
const ATTR_R = /\sr=["']([A-Z]*)(\d*)["']/;
const VALUE = /<(?:[\w.-]+:)?v(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?v>/;
const INLINE_TEXT = /<(?:[\w.-]+:)?t(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?t>/g;

async function scanSheet(chunks: AsyncIterable<Buffer>, decoder: CellDecoder, sink: (rowNumber: number, cells: CellValue[]) => boolean): Promise<void> {
  const utf8 = new TextDecoder();
  let pending = '';
  let previousRow = 0;
  let going = true;
  const scan = (xml: string) => {
    ROW.lastIndex = 0;
    for (let row = ROW.exec(xml); row && going; row = ROW.exec(xml)) {
      const numbered = ATTR_R.exec(row[1]);
      const rowNumber = numbered?.[2] ? Number(numbered[2]) : previousRow + 1;
      previousRow = rowNumber;
      if (row[2] === undefined) continue;
      going = sink(rowNumber, decoder.cells(row[2]));
    }
  };
  for await (const chunk of chunks) {
    if (!going) continue;
    pending += utf8.decode(chunk, { stream: true });
    // Scan up to the last complete row; the rest waits for the next chunk.
    let end = -1;
    ROW_CLOSE.lastIndex = Math.max(0, pending.length - chunk.length - 16);
    for (let close = ROW_CLOSE.exec(pending); close; close = ROW_CLOSE.exec(pending)) end = ROW_CLOSE.lastIndex;
    if (end < 0) continue;
    scan(pending.slice(0, end));
    pending = pending.slice(end);
  }
  if (going) scan(pending + utf8.decode());
}

class CellDecoder {
  private readonly dateStyles = new Map<number, boolean>();

  constructor(private readonly reader: ReaderInternals, private readonly date1904: boolean) {}

  cells(xml: string): CellValue[] {
    const cells: CellValue[] = [];
    let column = -1;
    CELL.lastIndex = 0;
    for (let cell = CELL.exec(xml); cell; cell = CELL.exec(xml)) {
      const attributes = cell[1];
      const reference = attribute(attributes, 'r');
      column = reference ? columnIndex(reference) : column + 1;
      if (cell[2] === undefined) continue;
      const value = this.value(attributes, cell[2]);
      if (value === null) continue;
      while (cells.length < column) cells.push(null);
      cells[column] = value;
    }
    return cells;
  }

  private value(attributes: string, inner: string): CellValue {
    const type = attribute(attributes, 't') ?? 'n';
    if (type === 'inlineStr') {
      let text = '';
      INLINE_TEXT.lastIndex = 0;
      for (let run = INLINE_TEXT.exec(inner); run; run = INLINE_TEXT.exec(inner)) text += run[1];
      return decodeText(text);
    }
    const raw = VALUE.exec(inner)?.[1];
    if (raw === undefined) return null;
    switch (type) {
      case 's': {
        const shared = this.reader.sharedStrings?.[Number(raw)];
        if (shared === undefined || shared === null) return null;
        return typeof shared === 'string' ? shared : shared.richText.map((run) => run.text).join('');
      }
      case 'str':
        return decodeText(raw);
      case 'b':
        return raw.trim() !== '0';
      case 'e':
        return { error: decodeText(raw) };
      case 'd':
        return decodeText(raw);
      default: {
        const number = Number(raw);
        if (raw.trim() === '' || Number.isNaN(number)) return null;
        const style = attribute(attributes, 's');
        return style !== undefined && this.isDateStyle(Number(style)) ? excelDate(number, this.date1904) : number;
      }
    }
  }

  private isDateStyle(style: number): boolean {
    let isDate = this.dateStyles.get(style);
    if (isDate === undefined) {
      isDate = isDateFormat(this.reader.styles.getStyleModel(style)?.numFmt);
      this.dateStyles.set(style, isDate);
    }
    return isDate;
  }
}

/** An attribute's value from a tag's attribute text; indexOf is much cheaper per cell than a regex. */
function attribute(attributes: string, name: string): string | undefined {
  let at = attributes.indexOf(` ${name}=`);
  if (at < 0) return undefined;
  at += name.length + 2;
  const quote = attributes[at];
  const end = attributes.indexOf(quote, at + 1);
  return end < 0 ? undefined : attributes.slice(at + 1, end);
}

/** A number format shows a date when it has date or time letters outside quotes and brackets. */
export function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  return /[ymdhMsb]/.test(format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** The instant exceljs gives for a date cell: the shown date and time read as UTC. */
function excelDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

/** `C7` → 2: the column letters of a cell reference, 0-based. */
function columnIndex(reference: string): number {
  let index = 0;
  for (let i = 0; i < reference.length; i++) {
    const code = reference.charCodeAt(i);
    if (code < 65 || code > 90) break;
    index = index * 26 + (code - 64);
  }
  return index - 1;
}

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** OOXML writes control characters such as a carriage return as `_x000D_`. */
const ESCAPED_CHAR = /_x([0-9A-Fa-f]{4})_/g;

function decodeText(text: string): string {
  // XML parsers read a literal CR LF or CR as LF; entities and `_x000D_` still give a real CR.
  let decoded = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  if (decoded.includes('&')) {
    decoded = decoded.replace(ENTITY, (_match, hex: string, dec: string, name: string) =>
      name ? NAMED[name] : String.fromCodePoint(hex ? parseInt(hex, 16) : Number(dec)));
  }
  if (decoded.includes('_x')) decoded = decoded.replace(ESCAPED_CHAR, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return decoded;
}
