/**
 * CSV as Chinese Excel saves it: UTF-8 with a BOM ("CSV UTF-8"), or plain "CSV" in GBK/GB18030; comma
 * separated, or tab separated for "Unicode text" (UTF-16 LE).
 */
import { parse } from 'csv-parse/sync';
import type { CellValue } from './cells';
import type { RowSink } from './workbook-reader';

export type CsvEncoding = 'utf-8' | 'gb18030' | 'utf-16le';

/** UTF-8 when the bytes are valid UTF-8 (GBK text practically never is), GB18030 otherwise. */
export function decodeCsv(buffer: Buffer): { text: string; encoding: CsvEncoding } {
  if (buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(buffer.subarray(3)), encoding: 'utf-8' };
  }
  if (buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(buffer.subarray(2)), encoding: 'utf-16le' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buffer), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(buffer), encoding: 'gb18030' };
  }
}

export class CsvFormatError extends Error {}

/** Feeds every record (empty lines too, so numbers match the rows Excel shows) to the sink. */
export function readCsvRows(buffer: Buffer, sink: RowSink): void {
  const { text } = decodeCsv(buffer);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  let records: string[][];
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false, relax_quotes: true });
  } catch (error) {
    throw new CsvFormatError(`the CSV file cannot be read: ${(error as Error).message}`);
  }
  for (let index = 0; index < records.length; index++) {
    const cells: CellValue[] = records[index].map((cell) => (cell === '' ? null : cell));
    if (sink(index + 1, cells) === false) return;
  }
}
