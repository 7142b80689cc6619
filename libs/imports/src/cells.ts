/**
 * Turning one spreadsheet cell into the JSON value the API takes. Money never passes through float
 * arithmetic: amounts are decimal text, split into digits and joined as 分.
 */
import { isCalendarDate } from '@tongxin/domain';
import type { EnumOption } from './columns';

/** An Excel error value in a cell (`#N/A`, `#REF!` …). */
export interface CellError {
  error: string;
}

/** A cell as read from the file: CSV cells are always text (or null when empty). */
export type CellValue = string | number | boolean | Date | CellError | null;

/** A refusal carries its message in English (`message`) and Chinese (`zh`); the sheet's language picks one. */
export type Converted<T> = { ok: true; value: T } | { ok: false; message: string; zh: string };

const ok = <T>(value: T): Converted<T> => ({ ok: true, value });
const fail = (message: string, zh: string): Converted<never> => ({ ok: false, message, zh });

export function isEmptyCell(value: CellValue): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

export function isCellError(value: CellValue): value is CellError {
  return typeof value === 'object' && value !== null && !(value instanceof Date);
}

/** How a value reads in a message: text quoted, numbers as written. */
export function describeCell(value: CellValue, language: 'en' | 'zh' = 'en'): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? (language === 'zh' ? '无效日期' : 'an invalid date') : utcDate(value);
  if (isCellError(value)) return language === 'zh' ? `Excel 错误值 ${value.error}` : `the Excel error ${value.error}`;
  return String(value);
}

const zhCell = (value: CellValue) => describeCell(value, 'zh');

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** Full-width digits, ￥, （ and ， typed with a Chinese input method become their ASCII forms. */
function normalise(text: string): string {
  const trimmed = text.trim();
  return ASCII_ONLY.test(trimmed) ? trimmed : trimmed.normalize('NFKC').trim();
}

/**
 * The decimal text of a numeric cell. `String(n)` is the shortest text that reads back as the same
 * double, which is what the user typed. Formula results can carry binary noise (0.1+0.2 gives
 * 0.30000000000000004); Excel itself shows at most 15 significant digits, so longer texts are cut to
 * 15 digits — a string operation on the printed digits, never arithmetic on the amount.
 */
export function numberText(n: number): string {
  const shortest = String(n);
  if (shortest.includes('e') || significantDigits(shortest) <= 15) return shortest;
  const fifteen = n.toPrecision(15);
  return fifteen.includes('e') || !fifteen.includes('.') ? fifteen : fifteen.replace(/\.?0+$/, '');
}

function significantDigits(text: string): number {
  return text.replace(/[-.]/g, '').replace(/^0+/, '').length;
}

const GROUPED = /^\d{1,3}(,\d{3})+(\.\d*)?$/;

/** Thousands separators only in the one unambiguous form: groups of three before the decimal point. */
function ungroup(text: string): string | undefined {
  if (!text.includes(',')) return text;
  return GROUPED.test(text) ? text.replace(/,/g, '') : undefined;
}

const DECIMAL = /^(\d*)(?:\.(\d*))?$/;
/** Up to 15 digits of 分 stays below 2^53, so the Number is exact. */
const MAX_FEN_DIGITS = 15;

/** Yuan in the sheet (`12.5`, `¥1,250.00`, `30元`, a numeric cell) → integer 分. */
export function yuanToFen(value: CellValue): Converted<number> {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return fail(`${describeCell(value)} is not an amount in yuan`, `${zhCell(value)} 不是以元为单位的金额`);
    text = numberText(value);
  } else if (typeof value === 'string') {
    text = normalise(value).replace(/^(¥|RMB|CNY)\s*/i, '').replace(/\s*元$/, '');
  } else {
    return fail(`${describeCell(value)} is not an amount in yuan`, `${zhCell(value)} 不是以元为单位的金额`);
  }
  if (text.startsWith('-') || (text.startsWith('(') && text.endsWith(')'))) {
    return fail(`${describeCell(value)} is negative; amounts are positive yuan`, `${zhCell(value)} 是负数；金额须为正数（元）`);
  }
  const plain = ungroup(text);
  const match = plain === undefined ? null : DECIMAL.exec(plain);
  if (!match || (match[1] === '' && !match[2])) {
    return fail(`${describeCell(value)} is not an amount in yuan (e.g. 1250.50)`, `${zhCell(value)} 不是金额（元），如 1250.50`);
  }
  const [, whole, decimals = ''] = match;
  if (/[1-9]/.test(decimals.slice(2))) {
    return fail(`${describeCell(value)} has more than two decimals; amounts are exact to the fen (0.01 yuan)`, `${zhCell(value)} 超过两位小数；金额精确到分（0.01 元）`);
  }
  const fen = `${whole}${decimals.slice(0, 2).padEnd(2, '0')}`.replace(/^0+(?=\d)/, '');
  if (fen.length > MAX_FEN_DIGITS) return fail(`${describeCell(value)} is too large an amount`, `${zhCell(value)} 金额过大`);
  return ok(Number(fen));
}

const INTEGER = /^-?\d+$/;

/** A whole number: a numeric cell without a fraction, or digit text (`1,200` and `30.0` too). */
export function toInteger(value: CellValue): Converted<number> {
  let text: string | undefined;
  if (typeof value === 'number') {
    text = Number.isFinite(value) ? numberText(value) : undefined;
  } else if (typeof value === 'string') {
    const normalised = normalise(value);
    const sign = normalised.startsWith('-') ? '-' : '';
    text = ungroup(normalised.slice(sign.length))?.replace(/\.0*$/, '');
    if (text !== undefined) text = sign + text;
  }
  if (text === undefined || !INTEGER.test(text)) return fail(`${describeCell(value)} is not a whole number`, `${zhCell(value)} 不是整数`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) return fail(`${describeCell(value)} is too large a number`, `${zhCell(value)} 数值过大`);
  return ok(n);
}

const DAY_MS = 86_400_000;
const EXCEL_1900_EPOCH = Date.UTC(1899, 11, 30);
const EXCEL_1904_EPOCH = Date.UTC(1904, 0, 1);
/** 9999-12-31, the last day Excel has. */
const MAX_SERIAL = 2_958_465;

function utcDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * An Excel date serial → `YYYY-MM-DD`. The 1900 system counts the 29 February 1900 that never was
 * (serial 60), so serials below 61 sit one day later than a plain count from 1899-12-30.
 */
export function serialToDate(serial: number, date1904 = false): string | undefined {
  const day = Math.floor(serial);
  if (!(day >= 1 && day <= MAX_SERIAL)) return undefined;
  if (date1904) return utcDate(new Date(EXCEL_1904_EPOCH + day * DAY_MS));
  if (day === 60) return undefined;
  return utcDate(new Date(EXCEL_1900_EPOCH + (day < 60 ? day + 1 : day) * DAY_MS));
}

const DATE_TEXT = /^(\d{4})\s*(?:[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?)(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * A calendar date: an Excel date cell (exceljs gives the shown date at UTC midnight), an Excel serial,
 * or text `YYYY-MM-DD`, `YYYY/M/D` (how Chinese Excel writes dates into CSV), `YYYY年M月D日`, `YYYYMMDD`.
 */
export function toCalendarDate(value: CellValue, date1904 = false): Converted<string> {
  let date: string | undefined;
  if (value instanceof Date) {
    date = Number.isNaN(value.getTime()) ? undefined : utcDate(value);
  } else if (typeof value === 'number') {
    const compact = Number.isInteger(value) && value > MAX_SERIAL ? COMPACT_DATE.exec(String(value)) : null;
    date = compact ? `${compact[1]}-${compact[2]}-${compact[3]}` : serialToDate(value, date1904);
  } else if (typeof value === 'string') {
    const text = normalise(value);
    const match = DATE_TEXT.exec(text) ?? COMPACT_DATE.exec(text);
    if (match) {
      const month = match[2] ?? match[4];
      const day = match[3] ?? match[5];
      date = `${match[1]}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
    }
  }
  if (date === undefined) return fail(`${describeCell(value)} is not a date (use YYYY-MM-DD)`, `${zhCell(value)} 不是日期（请写作 YYYY-MM-DD）`);
  if (!isCalendarDate(date)) return fail(`${describeCell(value)} is not a real calendar date`, `${zhCell(value)} 不是真实存在的日期`);
  return ok(date);
}

const TRUE_TEXTS = new Set(['是', '是的', '匿名', 'y', 'yes', 'true', '1', '√']);
const FALSE_TEXTS = new Set(['否', '不', '不匿名', '实名', 'n', 'no', 'false', '0', '×']);

export function toBoolean(value: CellValue): Converted<boolean> {
  if (typeof value === 'boolean') return ok(value);
  if (value === 1 || value === 0) return ok(value === 1);
  if (typeof value === 'string') {
    const text = normalise(value).toLowerCase();
    if (TRUE_TEXTS.has(text)) return ok(true);
    if (FALSE_TEXTS.has(text)) return ok(false);
  }
  return fail(`${describeCell(value)} is not yes or no (是/否)`, `${zhCell(value)} 不是“是”或“否”`);
}

function enumKey(text: string): string {
  return normalise(text).toLowerCase().replace(/[\s-]+/g, '_');
}

/** Every accepted spelling of a column's enum values → the value, built once per column. */
export function enumLookup(options: readonly EnumOption[]): Map<string, string> {
  const lookup = new Map<string, string>();
  for (const option of options) {
    for (const spelling of [option.value, option.label, ...(option.aliases ?? [])]) {
      lookup.set(enumKey(spelling), option.value);
    }
  }
  return lookup;
}

export function toEnum(value: CellValue, lookup: Map<string, string>, options: readonly EnumOption[]): Converted<string> {
  const found = typeof value === 'string' ? lookup.get(enumKey(value)) : undefined;
  if (found !== undefined) return ok(found);
  const allowed = options.map((option) => `${option.value} (${option.label})`).join(', ');
  const allowedZh = options.map((option) => `${option.label}（${option.value}）`).join('、');
  return fail(`${describeCell(value)} is not one of: ${allowed}`, `${zhCell(value)} 不是可选值之一：${allowedZh}`);
}

/** A text cell; numbers (an org unit code typed as a number) read as their digits. */
export function toText(value: CellValue): Converted<string> {
  if (typeof value === 'string') return ok(value.trim());
  if (typeof value === 'number') return ok(numberText(value));
  if (typeof value === 'boolean') return ok(value ? 'TRUE' : 'FALSE');
  if (value instanceof Date) return ok(utcDate(value));
  return fail(`${describeCell(value)} is not text`, `${zhCell(value)} 不是文本`);
}

export interface DonatedItem {
  description: string;
  quantity: number;
  unit: string;
}

const ITEM_SEPARATORS = /[;；、，,\n]+/;
/** Greedy description, so `T恤XL×3件` splits at the last `×` that is followed by the quantity. */
const ITEM = /^(.*\S)\s*[×xX*＊✕]\s*(\d+)\s*(\S.*)?$/;

/** Goods as one cell: `棉被×30床; 大米×20袋` → `[{ description, quantity, unit }]`. */
export function toItems(value: CellValue): Converted<DonatedItem[]> {
  if (typeof value !== 'string') return fail(`${describeCell(value)} is not a list of items (e.g. 棉被×30床; 大米×20袋)`, `${zhCell(value)} 不是物资明细（如 棉被×30床; 大米×20袋）`);
  const items: DonatedItem[] = [];
  for (const part of value.split(ITEM_SEPARATORS)) {
    const text = part.trim();
    if (text === '') continue;
    const match = ITEM.exec(text);
    if (!match) return fail(`item ${JSON.stringify(text)} is not description×quantity unit (e.g. 棉被×30床)`, `物资 ${JSON.stringify(text)} 不是“名称×数量单位”（如 棉被×30床）`);
    if (match[3] === undefined) return fail(`item ${JSON.stringify(text)} has no unit (e.g. 棉被×30床)`, `物资 ${JSON.stringify(text)} 缺少单位（如 棉被×30床）`);
    items.push({ description: match[1], quantity: Number(match[2]), unit: match[3].trim() });
  }
  if (items.length === 0) return fail(`${describeCell(value)} lists no items`, `${zhCell(value)} 没有列出任何物资`);
  return ok(items);
}
