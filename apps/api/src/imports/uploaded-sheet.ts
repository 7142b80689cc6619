import {
  isLegacyWorkbook, isZip, MAX_UNPACKED_BYTES, measureZip, sheetFormatOf, SheetFormatError, SheetTooLargeError, type HeaderLanguage, type SheetFormat,
} from '@tongxin/imports';
import type { FastifyRequest } from 'fastify';
import { badRequest, problem, ProblemException } from '../http/problem';

/** The largest spreadsheet taken; what it may unpack to and how many rows it may hold are in libs/imports limits.ts. */
export const MAX_IMPORT_FILE_BYTES = 10 * 1024 * 1024;

/** The 413 of an upload (imports and bank statements alike), for the OpenAPI document. */
export const UPLOAD_TOO_LARGE = `problem+json: the file is over ${MAX_IMPORT_FILE_BYTES / 1024 / 1024} MiB, or (code SHEET_TOO_LARGE) a workbook `
  + `unpacking to more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MiB; \`detail\` in the Accept-Language, \`messages\` in Chinese and English.`;

export interface UploadedSheet {
  buffer: Buffer;
  fileName: string;
  format: SheetFormat;
  /** The language the caller asked for (Accept-Language): messages use it when the file's headers tell none. */
  language: HeaderLanguage;
}

/** English only when the caller prefers it to Chinese; the ledger's users are Chinese first. */
export function requestLanguage(request: FastifyRequest): HeaderLanguage {
  const ranges = String(request.headers['accept-language'] ?? '').split(',').map((range) => {
    const [tag, ...parameters] = range.trim().toLowerCase().split(';');
    const q = Number(parameters.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? 1);
    return { tag, q: Number.isNaN(q) ? 0 : q };
  }).filter(({ tag, q }) => q > 0 && (tag.startsWith('zh') || tag.startsWith('en')));
  ranges.sort((a, b) => b.q - a.q);
  return ranges[0]?.tag.startsWith('en') ? 'en' : 'zh-CN';
}

/**
 * The multipart part `file` of an upload (POST /imports, POST /bank-statements), read whole (up to
 * MAX_IMPORT_FILE_BYTES: 413 beyond), and its format. A ZIP workbook is measured here, so one that unpacks beyond the
 * limit is refused with 413 before a job is queued.
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
  const fileName = part.filename ?? '';
  const language = requestLanguage(request);
  const named = sheetFormatOf(fileName, part.mimetype);
  if (isLegacyWorkbook(buffer)) return { buffer, fileName, format: 'xls', language };
  if (!isZip(buffer)) {
    if (named === 'csv') return { buffer, fileName, format: 'csv', language };
    throw badRequest([{ path: 'file', message: 'the file must be a workbook (.xlsx, .xls or .ods) or a .csv file' }]);
  }
  try {
    await measureZip(buffer);
  } catch (error) {
    if (error instanceof SheetTooLargeError) {
      throw new ProblemException(problem(413, error.text[language], { code: error.code, messages: error.text }));
    }
    if (error instanceof SheetFormatError) throw badRequest([{ path: 'file', message: error.text[language] }]);
    throw error;
  }
  return { buffer, fileName, format: named === 'ods' ? 'ods' : 'xlsx', language };
}
