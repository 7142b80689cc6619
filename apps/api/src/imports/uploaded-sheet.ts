import { sheetFormatOf, type SheetFormat } from '@tongxin/imports';
import type { FastifyRequest } from 'fastify';
import { badRequest } from '../http/problem';

/** The largest spreadsheet taken: 50,000 rows of any kind fit with room to spare; the job holds it in memory. */
export const MAX_IMPORT_FILE_BYTES = 10 * 1024 * 1024;

export interface UploadedSheet {
  buffer: Buffer;
  fileName: string;
  format: SheetFormat;
}

/**
 * The multipart part `file` of an upload (POST /imports, POST /bank-statements), read whole (up to
 * MAX_IMPORT_FILE_BYTES: 413 beyond), and its format.
 */
export async function uploadedSheet(request: FastifyRequest): Promise<UploadedSheet> {
  if (!request.isMultipart()) {
    throw badRequest([{ path: 'file', message: 'send the spreadsheet as multipart/form-data, in a part named file' }]);
  }
  const part = await request.file({ limits: { fileSize: MAX_IMPORT_FILE_BYTES, files: 1, fields: 0 } });
  if (!part || part.fieldname !== 'file') {
    throw badRequest([{ path: 'file', message: 'send the spreadsheet in a multipart part named file' }]);
  }
  const buffer = await part.toBuffer();
  if (buffer.length === 0) throw badRequest([{ path: 'file', message: 'the file is empty' }]);
  const zip = buffer.subarray(0, 4).equals(ZIP_MAGIC);
  const format = zip ? 'xlsx' : sheetFormatOf(part.filename ?? '', part.mimetype);
  if (format === 'csv') return { buffer, fileName: part.filename ?? '', format };
  if (!zip) {
    throw badRequest([{ path: 'file', message: 'the file must be an .xlsx workbook or a .csv file (an old .xls: save it as .xlsx first)' }]);
  }
  return { buffer, fileName: part.filename ?? '', format: 'xlsx' };
}

/** An .xlsx workbook is a ZIP archive; anything else is taken as CSV only when its name or type says so. */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
