/**
 * The import's own messages in both languages, and the API DTOs' messages (class-validator's English) in Chinese, so
 * a sheet with Chinese headers is answered in Chinese throughout.
 */
import type { HeaderLanguage } from '@tongxin/imports';

export type Said = Readonly<Record<HeaderLanguage, string>>;

export const ROW_MESSAGES = {
  sameId: (row: number): Said => ({ 'zh-CN': `与第 ${row} 行的编号相同`, en: `the same id as row ${row}` }),
  idTaken: (id: string): Said => ({ 'zh-CN': `编号 ${id} 已被使用`, en: `${id} exists already` }),
  noVolunteerId: { 'zh-CN': '志愿者编号格式不对', en: 'volunteerId must be an id' } as Said,
  noOrgUnit: (id: string): Said => ({ 'zh-CN': `单位 ${id} 不存在`, en: `org unit ${id} does not exist` }),
  outOfScope: (id: string): Said => ({ 'zh-CN': `单位 ${id} 不在你的管理范围内`, en: `org unit ${id} lies outside your scope` }),
  missing: (what: 'campaign' | 'activity' | 'volunteer', id: string): Said => ({
    'zh-CN': `${{ campaign: '主题活动', activity: '活动', volunteer: '志愿者' }[what]} ${id} 不存在`,
    en: `${what} ${id} does not exist`,
  }),
};

/** class-validator's default messages (`participants must not be less than 0`) and this API's own, in Chinese. */
const DTO_PATTERNS: [RegExp, (...groups: string[]) => string][] = [
  [/must not be less than (\S+)$/, (n) => `不能小于 ${n}`],
  [/must not be greater than (\S+)$/, (n) => `不能大于 ${n}`],
  [/must be an integer number$/, () => '必须是整数'],
  [/must be a number conforming to the specified constraints$/, () => '必须是数字'],
  [/must be shorter than or equal to (\d+) characters$/, (n) => `不能超过 ${n} 个字符`],
  [/must be longer than or equal to (\d+) characters$/, (n) => `至少 ${n} 个字符`],
  [/must not be blank$/, () => '不能只有空白'],
  [/should not be empty$/, () => '不能为空'],
  [/must be a string$/, () => '必须是文本'],
  [/must be a boolean value$/, () => '必须是“是”或“否”'],
  [/must be one of the following values: (.*)$/, (values) => `必须是以下值之一：${values}`],
  [/must match .* regular expression$/, () => '格式不对'],
  [/must be an id$/, () => '编号只能含字母、数字和 _ . : -，不超过 64 个字符'],
  [/must be a real calendar date.*$/, () => '不是真实存在的日期'],
  [/^unknown field$/, () => '未知字段'],
];

/** One DTO message (possibly several joined by `; `) in `language`; an unknown one stays English. */
export function dtoMessage(message: string, language: HeaderLanguage): string {
  if (language === 'en') return message;
  return message.split('; ').map((part) => {
    for (const [pattern, say] of DTO_PATTERNS) {
      const match = pattern.exec(part);
      if (match) return say(...match.slice(1));
    }
    return part;
  }).join('；');
}
