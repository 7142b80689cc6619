/** Chinese labels of the contract's enumerations (CONTRACT §2), for breakdown rows. */
export const NO_DIMENSION_LABEL = '（无）';

export const CATEGORY_LABELS: Readonly<Record<string, string>> = {
  lecture: '宣讲', public_welfare: '公益', performance: '文艺演出', training: '培训', home_visit: '走访',
  festival: '节庆', sports: '体育', knowledge_test: '知识测试', exhibition: '展览', study_tour: '研学',
  volunteer_service: '志愿服务', meeting: '会议', other: '其他',
};

export const VENUE_TYPE_LABELS: Readonly<Record<string, string>> = {
  agency: '机关', township: '乡镇', community: '村/社区', enterprise: '企业', school: '学校',
  religious_site: '宗教活动场所', barracks: '军/警营', hospital: '医院', scenic_area: '景区',
  education_base: '教育基地', household: '家庭', online: '线上', other: '其他',
};

/** '2024-03' → '2024年3月'. */
export function monthLabel(key: string): string {
  const [year, month] = key.split('-');
  return month ? `${year}年${Number(month)}月` : key;
}

/** The row of facts recorded on a unit itself, beside its children's rows. */
export function ownLevelLabel(name: string): string {
  return `${name}（本级）`;
}
