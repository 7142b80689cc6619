/**
 * Reading an .xlsx's first sheet as a stream: each part inflated chunk by chunk (its bytes counted against
 * MAX_UNPACKED_BYTES as they come) and read by a conforming XML parser (saxes, the one exceljs reads with), so
 * memory holds the shared strings and the rows read, never the sheet's XML. Parts are found through the package's
 * relationships as OOXML defines them: relative or absolute targets (openpyxl), any namespace prefix, any part name.
 */
import { posix } from 'node:path';
import { createInflateRaw } from 'node:zlib';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { CellValue } from './cells';
import { excelSerialMs, MAX_SHARED_STRINGS, MAX_UNPACKED_BYTES, SheetFormatError, SheetTooLargeError } from './limits';
import { zipParts, type ZipPart } from './zip-guard';

type Sink = (rowNumber: number, cells: CellValue[]) => boolean | void;

interface XmlHandlers {
  open?(name: string, attributes: Record<string, string>): void;
  text?(text: string): void;
  close?(name: string): void;
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);
const partKey = (name: string) => name.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();

const cannotRead = SheetFormatError.unreadable;

/** An attribute by its local name (`r:id` → `id`), whatever prefix the writer chose. */
function attribute(attributes: Record<string, string>, name: string, prefixed = false): string | undefined {
  for (const [key, value] of Object.entries(attributes)) {
    if (localName(key) === name && (!prefixed || key.includes(':'))) return value;
  }
  return undefined;
}

class Package {
  private readonly parts = new Map<string, ZipPart>();
  private inflated = 0;

  constructor(private readonly buffer: Buffer) {
    for (const part of zipParts(buffer)) this.parts.set(partKey(part.name), part);
  }

  has(name: string): boolean {
    return this.parts.has(partKey(name));
  }

  /** Parses a part with the handlers; a handler's `stop()` ends the reading early. Missing parts read as empty. */
  async read(name: string, handlers: XmlHandlers, stopped: () => boolean = () => false): Promise<void> {
    const part = this.parts.get(partKey(name));
    if (!part) return;
    const parser = new SaxesParser({ position: false });
    let error: Error | undefined;
    parser.on('error', (e) => { error ??= cannotRead(`${name}: ${e.message}`); });
    if (handlers.open) parser.on('opentag', (tag) => handlers.open!(localName(tag.name), (tag as SaxesTagPlain).attributes as Record<string, string>));
    if (handlers.text) {
      parser.on('text', handlers.text);
      parser.on('cdata', handlers.text);
    }
    if (handlers.close) parser.on('closetag', (tag) => handlers.close!(localName(tag.name)));
    const utf8 = new TextDecoder();
    for await (const chunk of this.inflate(part)) {
      parser.write(utf8.decode(chunk, { stream: true }));
      if (error) throw error;
      if (stopped()) return;
    }
    parser.write(utf8.decode()).close();
    if (error) throw error;
  }

  private async *inflate(part: ZipPart): AsyncGenerator<Buffer> {
    const data = this.buffer.subarray(part.dataOffset, part.dataOffset + part.compressedSize);
    if (part.method === 0) {
      this.count(data.length);
      yield data;
      return;
    }
    if (part.method !== 8) throw cannotRead(`part ${part.name} uses compression method ${part.method}`);
    const inflate = createInflateRaw();
    inflate.end(data);
    try {
      for await (const chunk of inflate as AsyncIterable<Buffer>) {
        this.count(chunk.length);
        yield chunk;
      }
    } catch (error) {
      if (error instanceof SheetTooLargeError || error instanceof SheetFormatError) throw error;
      throw cannotRead(`part ${part.name}: ${(error as Error).message}`);
    } finally {
      inflate.destroy();
    }
  }

  private count(bytes: number): void {
    this.inflated += bytes;
    if (this.inflated > MAX_UNPACKED_BYTES) throw SheetTooLargeError.unpacked();
  }

  /** The relationships of a part: id → { type, part name }, targets resolved against the part's folder. */
  async relationships(source: string): Promise<Map<string, { type: string; target: string }>> {
    const folder = posix.dirname(source) === '.' ? '' : `${posix.dirname(source)}/`;
    const rels = new Map<string, { type: string; target: string }>();
    await this.read(`${folder}_rels/${posix.basename(source)}.rels`, {
      open: (name, attributes) => {
        if (name !== 'Relationship' || attributes.TargetMode === 'External') return;
        const target = attributes.Target ?? '';
        const resolved = target.startsWith('/') ? target.slice(1) : posix.normalize(`${folder}${target}`);
        rels.set(attributes.Id, { type: attributes.Type ?? '', target: resolved });
      },
    });
    return rels;
  }
}

const relOfType = (rels: Map<string, { type: string; target: string }>, type: string) =>
  [...rels.values()].find((rel) => rel.type.endsWith(`/${type}`))?.target;

/** Built-in number formats that show dates, including the CJK ones (27–36, 50–58). */
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** A number format shows a date when it has date or time letters outside quotes and brackets. */
export function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  return /[ymdhsb]/i.test(format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '').replace(/\\./g, '').replace(/general/i, ''));
}

async function dateStyles(pkg: Package, stylesPart: string | undefined): Promise<boolean[]> {
  const formats = new Map<number, string>();
  const styles: boolean[] = [];
  if (!stylesPart) return styles;
  let inCellXfs = false;
  await pkg.read(stylesPart, {
    open: (name, attributes) => {
      if (name === 'numFmt') formats.set(Number(attributes.numFmtId), attributes.formatCode ?? '');
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) {
        const id = Number(attribute(attributes, 'numFmtId') ?? 0);
        styles.push(DATE_FORMAT_IDS.has(id) || (formats.has(id) && isDateFormat(formats.get(id))));
      }
    },
    close: (name) => { if (name === 'cellXfs') inCellXfs = false; },
  });
  return styles;
}

async function sharedStrings(pkg: Package, part: string | undefined): Promise<string[]> {
  const strings: string[] = [];
  if (!part) return strings;
  let current = '';
  let inText = false;
  let phonetic = 0;
  await pkg.read(part, {
    open: (name) => {
      if (name === 'si') current = '';
      else if (name === 't') inText = phonetic === 0;
      else if (name === 'rPh') phonetic++;
    },
    text: (text) => { if (inText) current += text; },
    close: (name) => {
      if (name === 't') inText = false;
      else if (name === 'rPh') phonetic--;
      else if (name === 'si') {
        if (strings.length === MAX_SHARED_STRINGS) throw SheetTooLargeError.unpacked();
        strings.push(unescapeText(current));
      }
    },
  });
  return strings;
}

/** OOXML writes characters XML cannot hold (a carriage return) as `_x000D_`; line ends are LF. */
function unescapeText(text: string): string {
  const plain = text.includes('_x') ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))) : text;
  return plain.includes('\r') ? plain.replace(/\r\n?/g, '\n') : plain;
}

/** `C7` → 2: the column letters of a cell reference, 0-based; -1 when there are none. */
function columnIndex(reference: string): number {
  let index = 0;
  for (let i = 0; i < reference.length; i++) {
    const code = reference.charCodeAt(i) & ~32;
    if (code < 65 || code > 90) break;
    index = index * 26 + (code - 64);
  }
  return index - 1;
}

/** Reads the first worksheet of an .xlsx row by row; resolves with whether it counts dates from 1904. */
export async function streamXlsxRows(buffer: Buffer, sink: Sink): Promise<{ date1904: boolean }> {
  const pkg = new Package(buffer);
  const root = await pkg.relationships('');
  const workbookPart = relOfType(root, 'officeDocument') ?? 'xl/workbook.xml';
  if (!pkg.has(workbookPart)) throw cannotRead('no workbook part');
  let firstSheet: string | undefined;
  let date1904 = false;
  await pkg.read(workbookPart, {
    open: (name, attributes) => {
      if (name === 'workbookPr') date1904 = ['1', 'true'].includes(attributes.date1904 ?? '');
      else if (name === 'sheet' && firstSheet === undefined) firstSheet = attribute(attributes, 'id', true);
    },
  });
  const rels = await pkg.relationships(workbookPart);
  const sheetPart = firstSheet !== undefined ? rels.get(firstSheet)?.target : undefined;
  if (!sheetPart || !pkg.has(sheetPart)) throw SheetFormatError.noSheet();
  const strings = await sharedStrings(pkg, relOfType(rels, 'sharedStrings'));
  const styles = await dateStyles(pkg, relOfType(rels, 'styles'));

  let rowNumber = 0;
  let cells: CellValue[] = [];
  let column = -1;
  let type = 'n';
  let style = 0;
  let raw = '';
  let reading: 'v' | 't' | null = null;
  let stopped = false;
  const value = (): CellValue => {
    switch (type) {
      case 's': return strings[Number(raw)] ?? null;
      case 'inlineStr': case 'str': return unescapeText(raw);
      case 'b': return raw.trim() !== '0';
      case 'e': return { error: raw };
      case 'd': return raw;
      default: {
        const number = Number(raw);
        if (raw.trim() === '' || Number.isNaN(number)) return null;
        return styles[style] ? new Date(excelSerialMs(number, date1904)) : number;
      }
    }
  };
  await pkg.read(sheetPart, {
    open: (name, attributes) => {
      switch (name) {
        case 'row':
          rowNumber = attributes.r ? Number(attributes.r) : rowNumber + 1;
          cells = [];
          column = -1;
          break;
        case 'c': {
          const reference = attributes.r;
          const at = reference ? columnIndex(reference) : -1;
          column = at >= 0 ? at : column + 1;
          type = attributes.t ?? 'n';
          style = Number(attributes.s ?? 0);
          raw = '';
          break;
        }
        case 'v':
          reading = 'v';
          break;
        case 't':
          if (type === 'inlineStr') reading = 't';
          break;
      }
    },
    text: (text) => { if (reading) raw += text; },
    close: (name) => {
      if (name === 'v' || name === 't') reading = null;
      else if (name === 'c' && raw !== '') {
        const cell = value();
        if (cell !== null) {
          while (cells.length < column) cells.push(null);
          cells[column] = cell;
        }
      } else if (name === 'row' && !stopped && cells.length > 0) {
        stopped = sink(rowNumber, cells) === false;
      }
    },
  }, () => stopped);
  return { date1904 };
}
