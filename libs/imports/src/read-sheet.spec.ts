import ExcelJS from 'exceljs';
import { IMPORT_COLUMNS, IMPORT_KINDS, type ImportKind } from './columns';
import { convertRow } from './convert-row';
import { encodeGb18030, writeCsv, writeXlsx } from './fixtures';
import { fileHash, rowIdempotencyKey } from './identity';
import { parseImport } from './parse-import';
import { readSheet } from './read-sheet';
import { templateXlsx } from './template';

const TEMPLATE_BODIES: Record<ImportKind, { body: object; params: object }> = {
  activities: {
    body: {
      orgUnitId: 'xinying-village', campaignId: 'hecheng-unity-month', title: '民族团结进步宣讲进村', category: 'lecture',
      venueType: 'community', occurredOn: '2026-05-12', participants: 120, beneficiaries: 300, materialsDistributed: 200,
      location: '新营村文化广场',
    },
    params: {},
  },
  volunteers: { body: { id: 'vol-xinying-001', orgUnitId: 'xinying-village', name: '张三', phone: '13800000000' }, params: {} },
  hours: { body: { servedOn: '2026-05-12', minutes: 90, description: '布置会场' }, params: { volunteerId: 'vol-xinying-001' } },
  donations: {
    body: {
      campaignId: 'hecheng-unity-month', orgUnitId: 'xinying-village', donor: { name: '爱心人士', kind: 'individual', anonymous: false },
      kind: 'money', amount: 125050, receivedOn: '2026-05-12', method: 'bank_transfer', reference: 'HX20260512001',
    },
    params: {},
  },
};

describe('templates', () => {
  describe.each(IMPORT_KINDS.flatMap((kind) => [[kind, 'zh-CN'], [kind, 'en']] as const))('%s in %s', (kind, language) => {
    it('Given the template, When it is read back, Then the example row converts without errors', async () => {
      const template = await templateXlsx(kind, language);
      const parsed = await parseImport(template, 'xlsx', kind);
      expect(parsed).toMatchObject({ ok: true, rowsWithErrors: 0 });
      if (!parsed.ok) return;
      expect(parsed.columns.map((column) => column.header)).toEqual(IMPORT_COLUMNS[kind].map((column) => column.header[language]));
      expect(parsed.rows).toEqual([{ rowNumber: 2, errors: [], ...TEMPLATE_BODIES[kind] }]);
    });
  });

  it('has a frozen bold header row, list validations and a notes sheet', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await templateXlsx('donations', 'zh-CN')) as unknown as ExcelJS.Buffer);
    const [data, notes] = workbook.worksheets;
    expect(data.name).toBe('捐赠');
    expect(data.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(data.getCell('A1').font?.bold).toBe(true);
    expect(data.getCell('E2').dataValidation).toMatchObject({ type: 'list', formulae: ['"个人,单位"'] });
    expect(data.getCell('I2').numFmt).toBe('yyyy-mm-dd');
    expect(notes.name).toBe('说明');
    expect(notes.getCell('A10').value).toBe('接收日期');
    expect(notes.getCell('B10').value).toBe('必填');
  });
});

describe('reading sheets', () => {
  const donation = {
    campaignId: 'camp-1', orgUnitId: 'ou-1', 'donor.name': '某企业', 'donor.kind': '单位', kind: '物资', amount: '1,250.00',
    receivedOn: '2026/5/1', items: '棉被×30床; 大米×20袋',
  };
  const expectedBody = {
    campaignId: 'camp-1', orgUnitId: 'ou-1', donor: { name: '某企业', kind: 'organisation' }, kind: 'goods', amount: 125000,
    receivedOn: '2026-05-01', items: [{ description: '棉被', quantity: 30, unit: '床' }, { description: '大米', quantity: 20, unit: '袋' }],
  };

  it('Given a CSV in GBK as Chinese Excel saves it, Then it is decoded and converted', async () => {
    const csv = writeCsv('donations', [donation], 'zh-CN', 'gb18030');
    expect(csv.includes(Buffer.from('捐赠方名称'))).toBe(false);
    const parsed = await parseImport(csv, 'csv', 'donations');
    expect(parsed).toMatchObject({ ok: true, rows: [{ rowNumber: 2, body: expectedBody, errors: [] }] });
  });

  it('Given a UTF-8 CSV with a BOM and English headers, Then it reads the same', async () => {
    const csv = writeCsv('donations', [donation], 'en', 'utf-8-bom');
    expect(await parseImport(csv, 'csv', 'donations')).toMatchObject({ ok: true, rows: [{ body: expectedBody, errors: [] }] });
  });

  it('skips empty rows, keeps sheet row numbers, and tolerates loose headers', async () => {
    const csv = encodeGb18030([
      '',
      '*姓名, 所属单位编号 ,联系电话',
      '张三,ou-1,138 0000 0000',
      ',,',
      '',
      '"李四, 小名",ou-1,',
    ].join('\r\n'));
    const sheet = await readSheet(csv, 'csv', 'volunteers');
    expect(sheet).toMatchObject({ ok: true, headerRow: 2 });
    if (!sheet.ok) return;
    expect(sheet.rows.map((row) => [row.rowNumber, convertRow('volunteers', row).body])).toEqual([
      [3, { name: '张三', orgUnitId: 'ou-1', phone: '138 0000 0000' }],
      [6, { name: '李四, 小名', orgUnitId: 'ou-1' }],
    ]);
  });

  it('matches headers with full-width or half-width parentheses', async () => {
    const csv = Buffer.from('志愿者编号,服务日期,服务时长(分钟)\nv1,2026-05-01,60\n');
    const parsed = await parseImport(csv, 'csv', 'hours');
    expect(parsed).toMatchObject({ ok: true, rows: [{ params: { volunteerId: 'v1' }, body: { servedOn: '2026-05-01', minutes: 60 } }] });
  });

  it('Given a file made from the old template (发放资料数（份）, Materials distributed), Then the column still reads as materialsDistributed', async () => {
    for (const header of ['发放资料数（份）', 'Materials distributed', '发放宣传资料（份）', 'Publicity materials distributed (copies)']) {
      const csv = Buffer.from(`所属单位编号,活动名称,活动类型,开展日期,参与人数,${header}\nv1,宣讲,宣讲,2026-05-12,30,200\n`);
      expect(await parseImport(csv, 'csv', 'activities')).toMatchObject({ ok: true, rows: [{ body: { materialsDistributed: 200 }, errors: [] }] });
    }
  });

  it('Given an unknown, a repeated and a missing required header, Then the file is refused naming them', async () => {
    const csv = Buffer.from('活动名称,活动类型,开展日期,参与人数,负责人,Title\n');
    const sheet = await readSheet(csv, 'csv', 'activities');
    // Issue 20 §11: in the language of the file's headers (here Chinese).
    expect(sheet).toEqual({
      ok: false,
      kind: 'activities',
      language: 'zh-CN',
      problems: [
        { column: '负责人', message: '“负责人”不是活动导入的列' },
        { column: 'Title', message: '“Title”与“活动名称”是同一列' },
        { column: '所属单位编号', message: '缺少必填列“所属单位编号”（Org unit ID）' },
      ],
    });
    const english = await readSheet(Buffer.from('Title,Category,Date held,Participants,Owner\n'), 'csv', 'activities');
    expect(english).toMatchObject({ ok: false, language: 'en', problems: [{ column: 'Owner', message: 'unknown column "Owner" for activities' }, { message: 'missing required column "所属单位编号" (Org unit ID)' }] });
  });

  it('Given a file that is not a workbook, Then it is a file problem, not an exception', async () => {
    await expect(readSheet(Buffer.from('not a zip'), 'xlsx', 'activities')).resolves.toMatchObject({ ok: false, problems: [{ column: null }] });
    await expect(readSheet(Buffer.from('PK\x03\x04garbage'), 'xlsx', 'activities')).resolves.toMatchObject({ ok: false });
    await expect(readSheet(Buffer.from(''), 'csv', 'activities')).resolves.toMatchObject({ ok: false });
  });

  it('Given type errors, Then each names the row, the column as in the file and the value', async () => {
    const xlsx = await writeXlsx('donations', [
      { ...donation, amount: 12.345, receivedOn: '2026-02-30', 'donor.kind': '家庭' },
      { ...donation, amount: null },
    ], 'en');
    const parsed = await parseImport(xlsx, 'xlsx', 'donations');
    expect(parsed).toMatchObject({ ok: true, rowsWithErrors: 2 });
    if (!parsed.ok) return;
    expect(parsed.rows[0].errors).toEqual([
      { column: 'Donor type', field: 'donor.kind', message: expect.stringContaining('"家庭" is not one of: individual (个人), organisation (单位)') },
      { column: 'Amount (yuan)', field: 'amount', message: '12.345 has more than two decimals; amounts are exact to the fen (0.01 yuan)' },
      { column: 'Date received', field: 'receivedOn', message: '"2026-02-30" is not a real calendar date' },
    ]);
    expect(parsed.rows[1]).toMatchObject({ rowNumber: 3, errors: [{ column: 'Amount (yuan)', field: 'amount', message: 'a value is required' }] });
  });

  it('reads Excel date cells, serials and number cells', async () => {
    const rows = [
      { volunteerId: 431202, servedOn: new Date(Date.UTC(2026, 4, 1)), minutes: 90, description: '核对签到表 & <点名>' },
      { volunteerId: 'v2', servedOn: '2026年5月2日', minutes: '45', description: '第一行\r\n第二行' },
    ];
    for (const sharedStrings of [false, true]) {
      const xlsx = await writeXlsx('hours', rows, 'zh-CN', { sharedStrings, fields: ['volunteerId', 'servedOn', 'minutes', 'description'] });
      const scan = await parseImport(xlsx, 'xlsx', 'hours');
      expect(scan).toMatchObject({
        ok: true,
        rows: [
          { rowNumber: 2, params: { volunteerId: '431202' }, body: { servedOn: '2026-05-01', minutes: 90, description: '核对签到表 & <点名>' } },
          { rowNumber: 3, params: { volunteerId: 'v2' }, body: { servedOn: '2026-05-02', minutes: 45, description: '第一行\n第二行' } },
        ],
      });
    }
  });
});

describe('file identity', () => {
  it('derives a stable, contract-sized idempotency key per row', () => {
    const hash = fileHash(Buffer.from('同心'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(fileHash(Buffer.from('同心'))).toBe(hash);
    const key = rowIdempotencyKey(hash, 'donations', 50001);
    expect(key).toBe(`import:donations:${hash.slice(0, 40)}:50001`);
    expect(key).toMatch(/^[\x21-\x7e]{1,128}$/);
    expect(() => rowIdempotencyKey('xyz', 'donations', 2)).toThrow(RangeError);
    expect(() => rowIdempotencyKey(hash, 'donations', 0)).toThrow(RangeError);
  });
});
