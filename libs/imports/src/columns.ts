/**
 * What a spreadsheet of each import kind holds: one column per field of the API body, with the Chinese
 * header village and county staff see, the English header, the cell type and whether it is required.
 */
import {
  ACTIVITY_CATEGORIES, DONATION_KINDS, DONOR_KINDS, PAYMENT_METHODS, VENUE_TYPES,
} from '@tongxin/domain';

export const IMPORT_KINDS = ['activities', 'volunteers', 'hours', 'donations'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export type HeaderLanguage = 'zh-CN' | 'en';

export type CellType = 'text' | 'integer' | 'date' | 'yuan' | 'boolean' | 'enum' | 'items';

/** An allowed enum value; the sheet may hold the value itself, its Chinese label or an alias. */
export interface EnumOption {
  value: string;
  label: string;
  aliases?: readonly string[];
}

export interface ImportColumn {
  /** Dotted path in the API body (`donor.name`), or the path parameter's name when `target` is `path`. */
  field: string;
  /** `path`: a URL parameter of the API call (hours: `volunteerId`), not part of the body. */
  target: 'body' | 'path';
  header: Readonly<Record<HeaderLanguage, string>>;
  /** Other headers accepted when reading, e.g. without the unit in parentheses. */
  aliases?: readonly string[];
  type: CellType;
  options?: readonly EnumOption[];
  required: boolean;
  /** For the template: what the column holds, in each language. */
  note: Readonly<Record<HeaderLanguage, string>>;
  /** The template's example row. */
  example: string | number | boolean | Date | null;
  width: number;
}

export function isImportKind(value: unknown): value is ImportKind {
  return typeof value === 'string' && (IMPORT_KINDS as readonly string[]).includes(value);
}

function options<T extends string>(values: readonly T[], labels: Record<T, string | readonly string[]>): EnumOption[] {
  return values.map((value) => {
    const [label, ...aliases] = ([] as string[]).concat(labels[value]);
    return { value, label, aliases };
  });
}

const CATEGORY_OPTIONS = options(ACTIVITY_CATEGORIES, {
  lecture: '宣讲', public_welfare: '公益', performance: ['文艺演出', '演出'], training: '培训', home_visit: '走访',
  festival: '节庆', sports: '体育', knowledge_test: ['知识测试', '知识竞赛'], exhibition: '展览', study_tour: '研学',
  volunteer_service: '志愿服务', meeting: '会议', other: '其他',
});
const VENUE_OPTIONS = options(VENUE_TYPES, {
  agency: '机关', township: '乡镇', community: ['村/社区', '村', '社区'], enterprise: '企业', school: '学校',
  religious_site: '宗教活动场所', barracks: ['军/警营', '军营', '警营'], hospital: '医院', scenic_area: '景区',
  education_base: '教育基地', household: '家庭', online: '线上', other: '其他',
});
const DONOR_KIND_OPTIONS = options(DONOR_KINDS, { individual: '个人', organisation: ['单位', '组织', '企业', 'organization'] });
const DONATION_KIND_OPTIONS = options(DONATION_KINDS, { money: ['资金', '善款', '款'], goods: ['物资', '物'] });
const METHOD_OPTIONS = options(PAYMENT_METHODS, {
  bank_transfer: ['银行转账', '转账'], cash: '现金', wechat_pay: ['微信支付', '微信'], alipay: '支付宝', other: '其他',
});

const ORG_UNIT: ImportColumn = {
  field: 'orgUnitId', target: 'body', header: { 'zh-CN': '所属单位编号', en: 'Org unit ID' }, aliases: ['单位编号'],
  type: 'text', required: true, width: 16, example: 'xinying-village',
  note: { 'zh-CN': '系统中的单位（村/社区、乡镇等）编号', en: 'ID of the org unit in the ledger' },
};

function campaign(required: boolean): ImportColumn {
  return {
    field: 'campaignId', target: 'body', header: { 'zh-CN': '主题活动编号', en: 'Campaign ID' }, aliases: ['专项活动编号'],
    type: 'text', required, width: 16, example: 'hecheng-unity-month',
    note: { 'zh-CN': '所属主题活动（如民族团结进步月）的编号', en: 'ID of the campaign it belongs to' },
  };
}

export const IMPORT_COLUMNS: Readonly<Record<ImportKind, readonly ImportColumn[]>> = {
  activities: [
    {
      field: 'id', target: 'body', header: { 'zh-CN': '活动编号', en: 'Activity ID' }, type: 'text', required: false,
      width: 16, example: null,
      note: { 'zh-CN': '可不填，由系统生成；填写时须唯一', en: 'Optional; the ledger makes one when empty' },
    },
    ORG_UNIT,
    campaign(false),
    {
      field: 'title', target: 'body', header: { 'zh-CN': '活动名称', en: 'Title' }, type: 'text', required: true,
      width: 28, example: '民族团结进步宣讲进村', note: { 'zh-CN': '不超过200字', en: 'Up to 200 characters' },
    },
    {
      field: 'category', target: 'body', header: { 'zh-CN': '活动类型', en: 'Category' }, type: 'enum',
      options: CATEGORY_OPTIONS, required: true, width: 12, example: 'lecture',
      note: { 'zh-CN': '从下拉列表选择', en: 'Pick from the list' },
    },
    {
      field: 'venueType', target: 'body', header: { 'zh-CN': '开展场所类型', en: 'Venue type' }, aliases: ['场所类型'],
      type: 'enum', options: VENUE_OPTIONS, required: false, width: 14, example: 'community',
      note: { 'zh-CN': '“进…”场所，从下拉列表选择', en: 'Where it was held; pick from the list' },
    },
    {
      field: 'occurredOn', target: 'body', header: { 'zh-CN': '开展日期', en: 'Date held' }, aliases: ['活动日期'],
      type: 'date', required: true, width: 12, example: new Date(Date.UTC(2026, 4, 12)),
      note: { 'zh-CN': '日期，如 2026-05-12', en: 'A date, e.g. 2026-05-12' },
    },
    {
      field: 'participants', target: 'body', header: { 'zh-CN': '参与人数', en: 'Participants' }, aliases: ['参与人次'],
      type: 'integer', required: true, width: 10, example: 120, note: { 'zh-CN': '整数（人次）', en: 'Whole number of people' },
    },
    {
      field: 'beneficiaries', target: 'body', header: { 'zh-CN': '受益人数', en: 'Beneficiaries' }, type: 'integer',
      required: false, width: 10, example: 300, note: { 'zh-CN': '整数，不填按0计', en: 'Whole number; empty counts as 0' },
    },
    {
      field: 'materialsDistributed', target: 'body',
      header: { 'zh-CN': '发放宣传资料（份）', en: 'Publicity materials distributed (copies)' },
      // The old template's headers, so files made from it still import.
      aliases: ['发放资料数（份）', 'Materials distributed', '发放资料数', '发放资料（份）', '发放宣传资料'],
      type: 'integer', required: false, width: 18, example: 200,
      note: { 'zh-CN': '发放宣传资料份数，整数', en: 'Leaflets and materials handed out; whole number' },
    },
    {
      field: 'location', target: 'body', header: { 'zh-CN': '活动地点', en: 'Location' }, type: 'text', required: false,
      width: 20, example: '新营村文化广场', note: { 'zh-CN': '不超过500字', en: 'Up to 500 characters' },
    },
    {
      field: 'notes', target: 'body', header: { 'zh-CN': '备注', en: 'Notes' }, type: 'text', required: false,
      width: 24, example: null, note: { 'zh-CN': '不超过500字', en: 'Up to 500 characters' },
    },
  ],
  volunteers: [
    {
      field: 'id', target: 'body', header: { 'zh-CN': '志愿者编号', en: 'Volunteer ID' }, type: 'text', required: false,
      width: 16, example: 'vol-xinying-001',
      note: { 'zh-CN': '可不填，由系统生成；登记服务时长时要用到', en: 'Optional; needed later to log hours' },
    },
    ORG_UNIT,
    {
      field: 'name', target: 'body', header: { 'zh-CN': '姓名', en: 'Name' }, aliases: ['志愿者姓名'], type: 'text',
      required: true, width: 12, example: '张三', note: { 'zh-CN': '不超过200字', en: 'Up to 200 characters' },
    },
    {
      field: 'phone', target: 'body', header: { 'zh-CN': '联系电话', en: 'Phone' }, aliases: ['手机号码', '电话'],
      type: 'text', required: false, width: 16, example: '13800000000',
      note: { 'zh-CN': '手机或固话，可含 +86、空格、短横线', en: 'Digits, optional +86, spaces or dashes' },
    },
  ],
  hours: [
    {
      field: 'volunteerId', target: 'path', header: { 'zh-CN': '志愿者编号', en: 'Volunteer ID' }, type: 'text',
      required: true, width: 16, example: 'vol-xinying-001',
      note: { 'zh-CN': '已登记志愿者的编号', en: 'ID of a registered volunteer' },
    },
    {
      field: 'entryId', target: 'body', header: { 'zh-CN': '记录编号', en: 'Entry ID' }, type: 'text', required: false,
      width: 16, example: null, note: { 'zh-CN': '可不填，由系统生成', en: 'Optional; the ledger makes one when empty' },
    },
    {
      field: 'activityId', target: 'body', header: { 'zh-CN': '活动编号', en: 'Activity ID' }, type: 'text',
      required: false, width: 16, example: null,
      note: { 'zh-CN': '参与的活动编号；填写后计入该活动的单位和主题活动', en: 'The activity served, if any' },
    },
    {
      field: 'servedOn', target: 'body', header: { 'zh-CN': '服务日期', en: 'Date served' }, type: 'date',
      required: true, width: 12, example: new Date(Date.UTC(2026, 4, 12)),
      note: { 'zh-CN': '日期，如 2026-05-12', en: 'A date, e.g. 2026-05-12' },
    },
    {
      field: 'minutes', target: 'body', header: { 'zh-CN': '服务时长（分钟）', en: 'Minutes' },
      aliases: ['服务时长', '时长（分钟）'], type: 'integer', required: true, width: 14, example: 90,
      note: { 'zh-CN': '整数分钟，1–1440', en: 'Whole minutes, 1–1440' },
    },
    {
      field: 'description', target: 'body', header: { 'zh-CN': '服务内容', en: 'Description' }, type: 'text',
      required: false, width: 24, example: '布置会场', note: { 'zh-CN': '不超过500字', en: 'Up to 500 characters' },
    },
  ],
  donations: [
    {
      field: 'id', target: 'body', header: { 'zh-CN': '捐赠编号', en: 'Donation ID' }, type: 'text', required: false,
      width: 16, example: null, note: { 'zh-CN': '可不填，由系统生成', en: 'Optional; the ledger makes one when empty' },
    },
    campaign(true),
    ORG_UNIT,
    {
      field: 'donor.name', target: 'body', header: { 'zh-CN': '捐赠方名称', en: 'Donor name' }, aliases: ['捐赠人', '捐赠方'],
      type: 'text', required: true, width: 20, example: '爱心人士',
      note: { 'zh-CN': '个人姓名或单位名称', en: 'Name of the person or organisation' },
    },
    {
      field: 'donor.kind', target: 'body', header: { 'zh-CN': '捐赠方类型', en: 'Donor type' }, type: 'enum',
      options: DONOR_KIND_OPTIONS, required: true, width: 12, example: 'individual',
      note: { 'zh-CN': '个人或单位', en: 'individual or organisation' },
    },
    {
      field: 'donor.anonymous', target: 'body', header: { 'zh-CN': '是否匿名', en: 'Anonymous' }, type: 'boolean',
      required: false, width: 10, example: false, note: { 'zh-CN': '是/否，不填为否', en: 'yes/no; empty means no' },
    },
    {
      field: 'kind', target: 'body', header: { 'zh-CN': '捐赠类别', en: 'Donation kind' }, aliases: ['捐赠类型'],
      type: 'enum', options: DONATION_KIND_OPTIONS, required: true, width: 12, example: 'money',
      note: { 'zh-CN': '资金或物资', en: 'money or goods' },
    },
    {
      field: 'amount', target: 'body', header: { 'zh-CN': '捐赠金额（元）', en: 'Amount (yuan)' },
      aliases: ['捐赠金额', '金额（元）', '金额'], type: 'yuan', required: true, width: 14, example: 1250.5,
      note: {
        'zh-CN': '以元为单位，最多两位小数；物资填折价金额',
        en: 'In yuan, at most two decimals; for goods the assessed value',
      },
    },
    {
      field: 'receivedOn', target: 'body', header: { 'zh-CN': '接收日期', en: 'Date received' }, aliases: ['捐赠日期'],
      type: 'date', required: true, width: 12, example: new Date(Date.UTC(2026, 4, 12)),
      note: { 'zh-CN': '日期，如 2026-05-12', en: 'A date, e.g. 2026-05-12' },
    },
    {
      field: 'method', target: 'body', header: { 'zh-CN': '支付方式', en: 'Payment method' }, aliases: ['捐赠方式'],
      type: 'enum', options: METHOD_OPTIONS, required: false, width: 12, example: 'bank_transfer',
      note: { 'zh-CN': '资金捐赠的到账方式', en: 'How the money arrived' },
    },
    {
      field: 'reference', target: 'body', header: { 'zh-CN': '流水号/收据号', en: 'Reference' },
      aliases: ['银行流水号', '收据号'], type: 'text', required: false, width: 18, example: 'HX20260512001',
      note: { 'zh-CN': '银行流水号或收据编号，便于对账', en: 'Bank or receipt reference, for reconciliation' },
    },
    {
      field: 'items', target: 'body', header: { 'zh-CN': '物资明细', en: 'Items' }, type: 'items', required: false,
      width: 28, example: null,
      note: {
        'zh-CN': '物资捐赠填写，格式：名称×数量单位，多项用分号分隔，如 棉被×30床; 大米×20袋',
        en: 'Goods only: description×quantity unit, separated by semicolons, e.g. Quilt×30 pcs; Rice×20 bags',
      },
    },
  ],
};

/** The column a body path belongs to (`items.0.quantity` → the `items` column), for mapping DTO errors. */
export function columnForPath(kind: ImportKind, path: string): ImportColumn | undefined {
  let best: ImportColumn | undefined;
  for (const column of IMPORT_COLUMNS[kind]) {
    const matches = path === column.field || path.startsWith(`${column.field}.`)
      || (column.field.startsWith(`${path}.`) && column.required);
    if (matches && (!best || column.field.length > best.field.length)) best = column;
  }
  return best;
}

/**
 * Sheets that are read but not imported as API rows: a bank statement's lines (POST /bank-statements). Kept apart
 * from IMPORT_KINDS so POST /imports takes none of them.
 */
export const BANK_SHEET_KINDS = ['bank-lines'] as const;
export type BankSheetKind = (typeof BANK_SHEET_KINDS)[number];
export type SheetKind = ImportKind | BankSheetKind;

/**
 * A bank statement as the banks export it: the first column per field wins by the order of its headers here, since
 * exports often carry both a serial number (流水号) and a memo (摘要/附言); columns the ledger does not use
 * (余额, 账号 …) are ignored for this kind.
 */
export const BANK_LINE_COLUMNS: readonly ImportColumn[] = [
  {
    field: 'date', target: 'body', header: { 'zh-CN': '交易日期', en: 'Date' },
    aliases: ['记账日期', '入账日期', '交易时间', '日期', 'Transaction date', 'Value date'],
    type: 'date', required: true, width: 12, example: new Date(Date.UTC(2026, 4, 12)),
    note: { 'zh-CN': '到账日期', en: 'Date credited' },
  },
  {
    field: 'amount', target: 'body', header: { 'zh-CN': '金额（元）', en: 'Amount (yuan)' },
    aliases: ['贷方发生额', '贷方发生额（元）', '收入金额', '收入金额（元）', '贷方金额', '收入', '交易金额', '金额', 'Amount', 'Credit'],
    type: 'yuan', required: true, width: 14, example: 1250.5,
    note: {
      'zh-CN': '收入金额（元）；带负号的金额为支出，跳过',
      en: 'Credit in yuan; a negative amount is a debit and is skipped',
    },
  },
  {
    field: 'debit', target: 'body', header: { 'zh-CN': '支出金额（元）', en: 'Debit (yuan)' },
    aliases: ['借方发生额', '借方发生额（元）', '支出金额', '借方金额', '支出', 'Debit'],
    type: 'yuan', required: false, width: 14, example: null,
    note: { 'zh-CN': '支出的行跳过', en: 'Lines with a debit are skipped' },
  },
  {
    field: 'reference', target: 'body', header: { 'zh-CN': '交易流水号', en: 'Reference' },
    aliases: ['流水号', '交易流水号/摘要', '凭证号', '摘要', '附言', '用途', 'Memo'],
    type: 'text', required: false, width: 20, example: 'HX20260512001',
    note: { 'zh-CN': '与捐赠记录的流水号/收据号比对', en: 'Compared with the donation\'s reference' },
  },
  {
    field: 'counterparty', target: 'body', header: { 'zh-CN': '对方户名', en: 'Counterparty' },
    aliases: ['对方账户名称', '对方账户名', '对方名称', '付款人', '付款人名称', '对方户名/账户名', 'Payer'],
    type: 'text', required: false, width: 20, example: '爱心人士',
    note: { 'zh-CN': '付款方名称', en: 'Who paid' },
  },
];

/** The columns of every sheet kind, imports and bank statements alike. */
export const SHEET_COLUMNS: Readonly<Record<SheetKind, readonly ImportColumn[]>> = { ...IMPORT_COLUMNS, 'bank-lines': BANK_LINE_COLUMNS };

/** Kinds whose files come from other systems: unknown columns are ignored and title rows above the header skipped. */
export function isForeignSheet(kind: SheetKind): boolean {
  return (BANK_SHEET_KINDS as readonly string[]).includes(kind);
}
