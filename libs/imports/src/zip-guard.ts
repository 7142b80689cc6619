/**
 * Measuring a workbook's ZIP before anything parses it: the sizes its directory declares, then the bytes each part
 * actually inflates to, counted as they stream out and dropped — a forged directory cannot hide a bomb, and the
 * inflated bytes are never held.
 */
import { createInflateRaw } from 'node:zlib';
import { MAX_UNPACKED_BYTES, MAX_ZIP_ENTRIES, SheetFormatError, SheetTooLargeError } from './limits';

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

export interface ZipPart {
  name: string;
  method: number;
  compressedSize: number;
  declaredSize: number;
  /** Where the part's compressed bytes begin in the file. */
  dataOffset: number;
}

export function isZip(buffer: Buffer): boolean {
  return buffer.length >= 4 && buffer.readUInt32LE(0) === LOCAL_HEADER;
}

const corrupt = (detail: string) => new SheetFormatError({
  'zh-CN': `文件不是完整的工作簿（${detail}），无法读取。`,
  en: `the file is not a complete workbook (${detail})`,
});

/** The parts the ZIP's central directory lists; refuses too many parts or declared sizes beyond the limit. */
export function zipParts(buffer: Buffer): ZipPart[] {
  let end = -1;
  for (let at = buffer.length - 22; at >= Math.max(0, buffer.length - 22 - 0xffff); at--) {
    if (buffer.readUInt32LE(at) === END_OF_DIRECTORY) { end = at; break; }
  }
  if (end < 0) throw corrupt('no ZIP directory');
  const count = buffer.readUInt16LE(end + 10);
  if (count > MAX_ZIP_ENTRIES) throw SheetTooLargeError.entries();
  const parts: ZipPart[] = [];
  let declared = 0;
  let at = buffer.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    if (at + 46 > buffer.length || buffer.readUInt32LE(at) !== DIRECTORY_ENTRY) throw corrupt('a damaged ZIP directory');
    const method = buffer.readUInt16LE(at + 10);
    const compressedSize = buffer.readUInt32LE(at + 20);
    const declaredSize = buffer.readUInt32LE(at + 24);
    const nameLength = buffer.readUInt16LE(at + 28);
    const skip = nameLength + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
    const localOffset = buffer.readUInt32LE(at + 42);
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength);
    // 0xFFFFFFFF is ZIP64's "see the extra field": no office program writes ZIP64 for a workbook of this size.
    declared += declaredSize;
    if (declared > MAX_UNPACKED_BYTES) throw SheetTooLargeError.unpacked();
    if (localOffset + 30 > buffer.length || buffer.readUInt32LE(localOffset) !== LOCAL_HEADER) throw corrupt(`part ${name} is missing`);
    const dataOffset = localOffset + 30 + buffer.readUInt16LE(localOffset + 26) + buffer.readUInt16LE(localOffset + 28);
    if (dataOffset + compressedSize > buffer.length) throw corrupt(`part ${name} is cut short`);
    parts.push({ name, method, compressedSize, declaredSize, dataOffset });
    at += 46 + skip;
  }
  return parts;
}

/** Bytes one part inflates to, up to `budget`: beyond it the inflation stops and the workbook is too large. */
function inflatedSize(data: Buffer, budget: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const inflate = createInflateRaw();
    let size = 0;
    inflate.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > budget) inflate.destroy(SheetTooLargeError.unpacked());
    });
    inflate.on('end', () => resolve(size));
    inflate.on('error', (error) => reject(error instanceof SheetTooLargeError ? error : corrupt((error as Error).message)));
    inflate.end(data);
  });
}

/**
 * Checks that a ZIP workbook stays within MAX_UNPACKED_BYTES and MAX_ZIP_ENTRIES, by its directory and by inflating
 * every part; resolves with the total unpacked size, or rejects with SheetTooLargeError or SheetFormatError.
 */
export async function measureZip(buffer: Buffer): Promise<number> {
  let total = 0;
  for (const part of zipParts(buffer)) {
    const data = buffer.subarray(part.dataOffset, part.dataOffset + part.compressedSize);
    if (part.method === 0) total += data.length;
    else if (part.method === 8) total += await inflatedSize(data, MAX_UNPACKED_BYTES - total);
    else throw corrupt(`part ${part.name} uses compression method ${part.method}`);
    if (total > MAX_UNPACKED_BYTES) throw SheetTooLargeError.unpacked();
  }
  return total;
}
