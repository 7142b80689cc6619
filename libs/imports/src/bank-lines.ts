/**
 * A bank statement's lines (CSV or XLSX, as the banks export them) → credit lines in 分. Debits are skipped with a
 * note, never refused: a statement of the receiving account holds both, and only credits can be donations.
 */
import { describeCell, isCellError, numberText, toCalendarDate, toText, yuanToFen, type CellValue } from './cells';
import { fileHash } from './identity';
import { readSheet, type ReadSheetOptions, type SheetFormat } from './read-sheet';
import type { SheetColumn, SheetProblem, SheetRow } from './sheet';

export interface BankLine {
  /** The sheet row number (CSV: record number), which names the line from now on. */
  line: number;
  date: string;
  /** 分, above zero. */
  amount: number;
  reference: string | null;
  counterparty: string | null;
}

/** A row that is no receipt: a debit, or a zero amount. */
export interface SkippedBankLine {
  line: number;
  reason: string;
}

export interface BankLineError {
  line: number;
  column: string;
  field: string;
  message: string;
}

export type ParsedBankStatement =
  | { ok: true; hash: string; columns: SheetColumn[]; lines: BankLine[]; skipped: SkippedBankLine[]; errors: BankLineError[] }
  | { ok: false; hash: string; problems: SheetProblem[] };

type Signed = { ok: true; fen: number; debit: boolean } | { ok: false; message: string; zh: string };

/** A signed amount in yuan: `-12.50`, `−12.50`, `(12.50)` and a negative number are debits. */
export function signedYuanToFen(value: CellValue): Signed {
  let magnitude: CellValue = value;
  let debit = false;
  if (typeof value === 'number' && value < 0) {
    magnitude = numberText(-value);
    debit = true;
  } else if (typeof value === 'string') {
    const text = value.trim().replace(/^[−－]/, '-');
    const parenthesised = /^\((.*)\)$/.exec(text);
    if (text.startsWith('-') || parenthesised) {
      magnitude = parenthesised ? parenthesised[1] : text.slice(1);
      debit = true;
    } else if (text.startsWith('+')) {
      magnitude = text.slice(1);
    }
  }
  const converted = yuanToFen(magnitude);
  if (!converted.ok) {
    const { message, zh } = converted;
    return { ok: false, message: message.replace(describeCell(magnitude), describeCell(value)), zh: zh.replace(describeCell(magnitude, 'zh'), describeCell(value, 'zh')) };
  }
  return { ok: true, fen: converted.value, debit };
}

function optionalText(value: CellValue | undefined): string | null {
  if (value === undefined || isCellError(value)) return null;
  const text = toText(value);
  return text.ok && text.value !== '' ? text.value : null;
}

function bankLine(row: SheetRow, header: (field: string) => string): { line?: BankLine; skipped?: SkippedBankLine; errors: BankLineError[] } {
  const errors: BankLineError[] = [];
  const zh = row.sheet.language === 'zh-CN';
  const refuse = (field: string, failure: { message: string; zh: string }) =>
    errors.push({ line: row.rowNumber, column: header(field), field, message: zh ? failure.zh : failure.message });
  const required = { message: 'a value is required', zh: '必填，不能为空' };
  const holds = (value: CellValue) => ({ ok: false as const, message: `the cell holds ${describeCell(value)}`, zh: `单元格是${describeCell(value, 'zh')}` });
  const { values } = row;
  let debitFen = 0;
  if (values.debit !== undefined) {
    const debit = signedYuanToFen(values.debit);
    if (!debit.ok) refuse('debit', debit);
    else debitFen = debit.fen;
  }
  let creditFen = 0;
  if (values.amount === undefined) {
    if (debitFen === 0 && errors.length === 0) refuse('amount', required);
  } else {
    const amount = isCellError(values.amount) ? holds(values.amount) : signedYuanToFen(values.amount);
    if (!amount.ok) refuse('amount', amount);
    else if (amount.debit) debitFen += amount.fen;
    else creditFen = amount.fen;
  }
  let date: string | undefined;
  if (values.date === undefined) refuse('date', required);
  else {
    const converted = isCellError(values.date) ? holds(values.date) : toCalendarDate(values.date, row.sheet.date1904);
    if (!converted.ok) refuse('date', converted);
    else date = converted.value;
  }
  if (errors.length > 0) return { errors };
  if (creditFen === 0) {
    return { skipped: { line: row.rowNumber, reason: debitFen > 0 ? 'a debit (money paid out), not a receipt' : 'a zero amount' }, errors };
  }
  return {
    line: {
      line: row.rowNumber, date: date!, amount: creditFen,
      reference: optionalText(values.reference), counterparty: optionalText(values.counterparty),
    },
    errors,
  };
}

/** readSheet as a bank statement, then every row to a credit line, a skipped row or errors naming its column. */
export async function readBankStatement(buffer: Buffer, format: SheetFormat, options?: ReadSheetOptions): Promise<ParsedBankStatement> {
  const hash = fileHash(buffer);
  const sheet = await readSheet(buffer, format, 'bank-lines', options);
  if (!sheet.ok) return { ok: false, hash, problems: sheet.problems };
  const header = (field: string) => sheet.columns.find((column) => column.field === field)?.header ?? field;
  const lines: BankLine[] = [];
  const skipped: SkippedBankLine[] = [];
  const errors: BankLineError[] = [];
  for (const row of sheet.rows) {
    const read = bankLine(row, header);
    if (read.line) lines.push(read.line);
    if (read.skipped) skipped.push(read.skipped);
    errors.push(...read.errors);
  }
  return { ok: true, hash, columns: sheet.columns, lines, skipped, errors };
}
