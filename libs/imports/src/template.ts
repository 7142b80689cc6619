/** The downloadable template of each kind: a data sheet with headers and an example row, and notes. */
import ExcelJS from 'exceljs';
import { IMPORT_COLUMNS, type HeaderLanguage, type ImportColumn, type ImportKind } from './columns';

const SHEET_NAMES: Record<ImportKind, Record<HeaderLanguage, string>> = {
  activities: { 'zh-CN': '活动', en: 'Activities' },
  volunteers: { 'zh-CN': '志愿者', en: 'Volunteers' },
  hours: { 'zh-CN': '服务时长', en: 'Hours' },
  donations: { 'zh-CN': '捐赠', en: 'Donations' },
};

const TEXT = {
  notes: { 'zh-CN': '说明', en: 'Notes' },
  notesHeader: {
    'zh-CN': ['列名', '是否必填', '格式', '可选值', '说明'],
    en: ['Column', 'Required', 'Format', 'Allowed values', 'Notes'],
  },
  yes: { 'zh-CN': '必填', en: 'yes' },
  no: { 'zh-CN': '选填', en: 'no' },
  legend: {
    'zh-CN': '红色列名为必填列。第2行为示例，导入前请删除。日期可写 2026-05-12、2026/5/12 或 2026年5月12日；金额以元为单位，最多两位小数。',
    en: 'Red headers are required. Row 2 is an example: delete it before importing. Dates like 2026-05-12; amounts in yuan with at most two decimals.',
  },
  formats: {
    text: { 'zh-CN': '文本', en: 'text' },
    integer: { 'zh-CN': '整数', en: 'whole number' },
    date: { 'zh-CN': '日期 YYYY-MM-DD', en: 'date YYYY-MM-DD' },
    yuan: { 'zh-CN': '金额（元），最多两位小数', en: 'yuan, at most two decimals' },
    boolean: { 'zh-CN': '是/否', en: 'yes/no' },
    enum: { 'zh-CN': '从列表选择', en: 'one of the list' },
    items: { 'zh-CN': '名称×数量单位；多项用分号分隔', en: 'description×quantity unit; separate with semicolons' },
  },
} as const;

/** Rows the validations and formats cover; Excel handles the range without cost. */
const TEMPLATE_ROWS = 5000;

function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

function exampleValue(column: ImportColumn, language: HeaderLanguage): ExcelJS.CellValue {
  const { example } = column;
  if (example === null) return null;
  if (column.type === 'enum' && language === 'zh-CN') return column.options?.find((option) => option.value === example)?.label ?? example;
  if (column.type === 'boolean') return language === 'zh-CN' ? (example ? '是' : '否') : (example ? 'yes' : 'no');
  return example;
}

function allowedValues(column: ImportColumn, language: HeaderLanguage): string[] {
  if (column.type === 'boolean') return language === 'zh-CN' ? ['是', '否'] : ['yes', 'no'];
  return (column.options ?? []).map((option) => (language === 'zh-CN' ? option.label : option.value));
}

const NUMBER_FORMATS: Partial<Record<ImportColumn['type'], string>> = {
  text: '@', items: '@', date: 'yyyy-mm-dd', integer: '0', yuan: '#,##0.00',
};

export async function templateXlsx(kind: ImportKind, language: HeaderLanguage): Promise<Buffer> {
  const columns = IMPORT_COLUMNS[kind];
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '同心账本';
  const data = workbook.addWorksheet(SHEET_NAMES[kind][language], { views: [{ state: 'frozen', ySplit: 1 }] });
  data.columns = columns.map((column) => ({
    header: column.header[language],
    width: column.width,
    style: NUMBER_FORMATS[column.type] ? { numFmt: NUMBER_FORMATS[column.type] } : {},
  }));
  const header = data.getRow(1);
  columns.forEach((column, index) => {
    const cell = header.getCell(index + 1);
    cell.font = { bold: true, color: { argb: column.required ? 'FFC00000' : 'FF000000' } };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
    cell.alignment = { vertical: 'middle', horizontal: 'center' };
    cell.numFmt = 'General';
  });
  const example = data.addRow(columns.map((column) => exampleValue(column, language)));
  example.font = { italic: true, color: { argb: 'FF808080' } };
  columns.forEach((column, index) => {
    const list = allowedValues(column, language);
    if (list.length === 0) return;
    const letter = columnLetter(index);
    // Not exposed in exceljs's typings, but part of its Worksheet: validations by range address.
    (data as unknown as { dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void } })
      .dataValidations.add(`${letter}2:${letter}${TEMPLATE_ROWS}`, {
        type: 'list', allowBlank: true, formulae: [`"${list.join(',')}"`],
        showErrorMessage: true, errorStyle: 'warning',
        error: language === 'zh-CN' ? '请从列表中选择' : 'Pick a value from the list',
      });
  });

  const notes = workbook.addWorksheet(TEXT.notes[language]);
  notes.columns = [{ width: 20 }, { width: 10 }, { width: 30 }, { width: 50 }, { width: 60 }];
  notes.addRow([...TEXT.notesHeader[language]]).font = { bold: true };
  for (const column of columns) {
    const values = column.type === 'enum'
      ? (column.options ?? []).map((option) => (language === 'zh-CN' ? `${option.label}（${option.value}）` : option.value)).join(language === 'zh-CN' ? '、' : ', ')
      : allowedValues(column, language).join('/');
    notes.addRow([
      column.header[language],
      column.required ? TEXT.yes[language] : TEXT.no[language],
      TEXT.formats[column.type][language],
      values,
      column.note[language],
    ]);
  }
  notes.addRow([]);
  notes.addRow([TEXT.legend[language]]);
  notes.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
