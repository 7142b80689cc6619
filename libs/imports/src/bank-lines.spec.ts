import { readBankStatement, signedYuanToFen } from './bank-lines';
import { writeCsv, writeXlsx } from './fixtures';
import { isImportKind } from './columns';

describe('bank statements', () => {
  it('Given our own columns in XLSX, When read, Then credit lines come in 分 with their row numbers', async () => {
    const xlsx = await writeXlsx('bank-lines', [
      { date: new Date(Date.UTC(2026, 4, 12)), amount: 1250.5, reference: 'HX-1', counterparty: '张三' },
      { date: '2026/5/13', amount: '0.1' },
      { date: '2026-05-14', amount: -30 },
    ], 'zh-CN', { fields: ['date', 'amount', 'reference', 'counterparty'] });
    const parsed = await readBankStatement(xlsx, 'xlsx');
    expect(parsed).toMatchObject({
      ok: true,
      lines: [
        { line: 2, date: '2026-05-12', amount: 125_050, reference: 'HX-1', counterparty: '张三' },
        { line: 3, date: '2026-05-13', amount: 10, reference: null, counterparty: null },
      ],
      skipped: [{ line: 4, reason: expect.stringContaining('debit') }],
      errors: [],
    });
  });

  it('Given a bank\'s CSV export with title rows, unknown columns and debit/credit columns, When read, Then only credits are lines', async () => {
    const csv = Buffer.from([
      '中国农业银行账户明细查询', '账号：6228 **** 0001,,,,,,',
      '交易日期,借方发生额,贷方发生额,余额,对方账户名称,流水号,摘要',
      '2026-05-12,,"1,000.00",5000,某商会,JY001,捐款',
      '2026-05-13,200.00,,4800,某超市,JY002,采购',
      '20260514,,0.01,4800.01,李四,,附言',
    ].join('\r\n'), 'utf8');
    const parsed = await readBankStatement(csv, 'csv');
    expect(parsed).toMatchObject({
      ok: true,
      lines: [
        { line: 4, date: '2026-05-12', amount: 100_000, reference: 'JY001', counterparty: '某商会' },
        { line: 6, date: '2026-05-14', amount: 1, reference: null, counterparty: '李四' }, // 流水号 ranks before 摘要
      ],
      skipped: [{ line: 5, reason: expect.stringContaining('debit') }],
    });
  });

  it('names the row and column of a bad amount or date, and refuses a file without the required columns', async () => {
    const csv = writeCsv('bank-lines', [{ date: '2026-02-30', amount: '12.345' }], 'en', 'utf-8', ['date', 'amount']);
    const parsed = await readBankStatement(csv, 'csv');
    expect(parsed.ok && parsed.errors.map(({ line, column, field }) => ({ line, column, field }))).toEqual([
      { line: 2, column: 'Amount (yuan)', field: 'amount' }, { line: 2, column: 'Date', field: 'date' },
    ]);
    expect(parsed.ok && parsed.errors[1].message).toBe('"2026-02-30" is not a real calendar date');
    // Issue 20 §11: in the language of the statement's headers.
    const chinese = await readBankStatement(writeCsv('bank-lines', [{ date: '2026-02-30', amount: '-' }], 'zh-CN', 'utf-8', ['date', 'amount']), 'csv');
    expect(chinese.ok && chinese.errors.map((e) => e.message)).toEqual(['"-" 不是金额（元），如 1250.50', '"2026-02-30" 不是真实存在的日期']);
    const headless = await readBankStatement(Buffer.from('对方户名\r\n张三\r\n'), 'csv');
    expect(headless.ok).toBe(false);
  });

  it('reads signed yuan exactly: −, (…) and negative numbers are debits', () => {
    expect(signedYuanToFen('-12.50')).toEqual({ ok: true, fen: 1250, debit: true });
    expect(signedYuanToFen('(0.30)')).toEqual({ ok: true, fen: 30, debit: true });
    expect(signedYuanToFen(-0.1)).toEqual({ ok: true, fen: 10, debit: true });
    expect(signedYuanToFen('+¥1,250.05')).toEqual({ ok: true, fen: 125_005, debit: false });
    expect(signedYuanToFen('abc').ok).toBe(false);
  });

  it('is no import kind', () => {
    expect(isImportKind('bank-lines')).toBe(false);
  });
});
