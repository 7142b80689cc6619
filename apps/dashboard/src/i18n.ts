import { createI18n } from 'vue-i18n';

const LOCALE_KEY = 'tongxin.locale';
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const zh = {
  app: { title: '同心账本 · 数据看板', subtitle: '民族团结进步创建 · 活动、志愿服务与善款物资' },
  lang: { switch: 'English' },
  signIn: {
    title: '登录数据看板', token: '访问令牌', placeholder: '粘贴管理员、组织者或分析员令牌', submit: '登录',
    hint: '令牌只保存在本标签页中，关闭后即失效。', rejected: '令牌无效或已撤销，请重新登录。', signOut: '退出',
  },
  filters: {
    campaign: '创建活动', allCampaigns: '全部创建活动', from: '起始日期', to: '截止日期', asOf: '数据截至',
    asOfHint: '按此时刻已登记的记录统计', reset: '重置', datePlaceholder: '年-月-日', dateTimePlaceholder: '年-月-日 时:分:秒',
    pick: '选择日期', invalidDate: '请输入有效日期，格式为 YYYY-MM-DD', invalidDateTime: '请输入有效时刻，格式为 YYYY-MM-DD HH:mm:ss',
  },
  cards: {
    activitiesHeld: '活动场次', participants: '群众参与 {n} 人次',
    volunteerParticipations: '志愿者参与人次', distinctVolunteers: '志愿者 {n} 人',
    volunteerHours: '志愿服务时长（已核实）', hoursUnit: '小时', hoursLogged: '已登记 {h} 小时（含待核实）',
    fundsRaised: '筹集善款物资', fundsSplit: '善款 {money} · 物资折价 {goods}',
    beneficiaries: '受益群众', materials: '发放宣传资料 {n} 份',
    goodsDistributed: '发放物资', goodsNote: '发放 {n} 次 · 受益 {people} 人',
  },
  charts: {
    trend: '月度趋势', orgUnits: '按组织单位', campaign: '按创建活动', category: '按活动类别', venueType: '按活动场所',
    drillHint: '点击单位查看下级', noData: '暂无数据', ownLevel: '{name}（本级）',
  },
  columns: {
    unit: '单位', activities: '活动场次', participations: '志愿者参与人次', hours: '服务时长（小时）', funds: '善款物资',
    beneficiaries: '受益群众', date: '日期', title: '活动名称', category: '类别', venue: '场所', participants: '参与人次',
  },
  recent: { title: '最近活动', empty: '暂无活动记录', more: '加载更多' },
  report: { title: '工作总结', download: '下载统计表（XLSX）', fileName: '同心账本统计' },
  scope: { root: '全部范围' },
  recon: {
    title: '对账状态', moneyReceived: '到账善款', matched: '已匹配', bankTotal: '银行流水合计', difference: '差额',
    unmatchedDonations: '未匹配捐赠 {n} 笔', unmatchedBankLines: '未匹配流水 {n} 条', balanced: '账实相符', unbalanced: '存在差额',
  },
  status: { loading: '加载中…', position: '数据包含至日志位置 #{n}', asOf: '截至 {t}', now: '实时' },
  none: '（无）',
  category: {
    lecture: '宣讲', public_welfare: '公益', performance: '文艺演出', training: '培训', home_visit: '走访', festival: '节庆',
    sports: '体育', knowledge_test: '知识测试', exhibition: '展览', study_tour: '研学', volunteer_service: '志愿服务',
    meeting: '会议', other: '其他',
  },
  venue: {
    agency: '机关', township: '乡镇', community: '村/社区', enterprise: '企业', school: '学校', religious_site: '宗教活动场所',
    barracks: '军/警营', hospital: '医院', scenic_area: '景区', education_base: '教育基地', household: '家庭', online: '线上',
    other: '其他',
  },
  level: { province: '省', city: '市', county: '县', township: '乡镇', village: '村', grid: '网格', unit: '单位' },
};

const en: typeof zh = {
  app: { title: 'Tongxin Ledger · Dashboard', subtitle: 'Ethnic unity campaigns · activities, volunteering, funds and goods' },
  lang: { switch: '中文' },
  signIn: {
    title: 'Sign in to the dashboard', token: 'Access token', placeholder: 'Paste an admin, organiser or analyst token',
    submit: 'Sign in', hint: 'The token is kept in this tab only and forgotten when it closes.',
    rejected: 'The token is unknown or revoked. Please sign in again.', signOut: 'Sign out',
  },
  filters: {
    campaign: 'Campaign', allCampaigns: 'All campaigns', from: 'From', to: 'To', asOf: 'As of',
    asOfHint: 'Counts what was recorded by this instant', reset: 'Reset', datePlaceholder: 'YYYY-MM-DD',
    dateTimePlaceholder: 'YYYY-MM-DD HH:mm:ss', pick: 'Pick a date', invalidDate: 'Enter a real date as YYYY-MM-DD',
    invalidDateTime: 'Enter a real instant as YYYY-MM-DD HH:mm:ss',
  },
  cards: {
    activitiesHeld: 'Activities held', participants: '{n} participations',
    volunteerParticipations: 'Volunteer participations', distinctVolunteers: '{n} volunteers',
    volunteerHours: 'Volunteer hours (verified)', hoursUnit: 'h', hoursLogged: '{h} h logged (incl. pending)',
    fundsRaised: 'Funds and goods raised', fundsSplit: 'money {money} · goods {goods}',
    beneficiaries: 'Beneficiaries', materials: 'Publicity materials distributed: {n} copy | Publicity materials distributed: {n} copies',
    goodsDistributed: 'Goods distributed',
    goodsNote: 'Handed out {n} time · people reached: {people} | Handed out {n} times · people reached: {people}',
  },
  charts: {
    trend: 'Monthly trend', orgUnits: 'By org unit', campaign: 'By campaign', category: 'By category', venueType: 'By venue type',
    drillHint: 'Click a unit to drill down', noData: 'No data', ownLevel: '{name} (own level)',
  },
  columns: {
    unit: 'Unit', activities: 'Activities', participations: 'Volunteer participations', hours: 'Hours', funds: 'Funds and goods',
    beneficiaries: 'Beneficiaries', date: 'Date', title: 'Title', category: 'Category', venue: 'Venue', participants: 'Participants',
  },
  recent: { title: 'Recent activities', empty: 'No activities recorded', more: 'Show more' },
  report: { title: 'Summary', download: 'Download the figures (XLSX)', fileName: 'tongxin-figures' },
  scope: { root: 'Whole scope' },
  recon: {
    title: 'Reconciliation', moneyReceived: 'Money received', matched: 'Matched', bankTotal: 'Bank credits', difference: 'Difference',
    unmatchedDonations: '{n} unmatched donations', unmatchedBankLines: '{n} unmatched bank lines', balanced: 'Balanced',
    unbalanced: 'Out of balance',
  },
  status: { loading: 'Loading…', position: 'Includes the log up to position #{n}', asOf: 'As of {t}', now: 'Live' },
  none: '(none)',
  category: {
    lecture: 'Lecture', public_welfare: 'Public welfare', performance: 'Performance', training: 'Training', home_visit: 'Home visit',
    festival: 'Festival', sports: 'Sports', knowledge_test: 'Knowledge test', exhibition: 'Exhibition', study_tour: 'Study tour',
    volunteer_service: 'Volunteer service', meeting: 'Meeting', other: 'Other',
  },
  venue: {
    agency: 'Government agency', township: 'Township', community: 'Village/community', enterprise: 'Enterprise', school: 'School',
    religious_site: 'Religious site', barracks: 'Barracks', hospital: 'Hospital', scenic_area: 'Scenic area',
    education_base: 'Education base', household: 'Household', online: 'Online', other: 'Other',
  },
  level: { province: 'Province', city: 'City', county: 'County', township: 'Township', village: 'Village', grid: 'Grid', unit: 'Unit' },
};

/** Chinese unless this browser chose English before. */
function initialLocale(): Locale {
  const stored = localStorage.getItem(LOCALE_KEY);
  return stored === 'en' ? 'en' : 'zh-CN';
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
});

/** Switches the page's language and remembers the choice in this browser. */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(LOCALE_KEY, locale);
  document.documentElement.lang = locale;
  document.title = i18n.global.t('app.title');
}
