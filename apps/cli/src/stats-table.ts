import type { Figures } from '@tongxin/projections';

/** The figures' Chinese names, in the order a report lists them; money in 分 as the API answers it. */
export const FIGURE_LABELS: Record<keyof Figures, string> = {
  activitiesHeld: '活动场次', participants: '参与人次', beneficiaries: '受益人数', materialsDistributed: '发放宣传资料（份）',
  volunteerParticipations: '志愿服务人次', volunteerMinutesLogged: '登记服务分钟', volunteerMinutesVerified: '核实服务分钟',
  distinctVolunteers: '志愿者人数', moneyReceived: '收到资金(分)', moneyRefunded: '退回资金(分)', goodsValueReceived: '物资折价(分)',
  fundsRaised: '筹集总额(分)', disbursed: '拨付资金(分)', donations: '捐赠笔数', disbursementBeneficiaries: '拨付受益人数',
  goodsDistributions: '发放物资次数', goodsDistributedValue: '发放物资折价(分)', distributionBeneficiaries: '发放物资受益人数',
};

/** By goodsUnit: the quantity handed out in the row's unit. */
export const GOODS_QUANTITY_LABEL = '发放数量';

/** Columns aligned for a terminal: CJK characters take two cells. */
export function formatTable(header: string[], rows: string[][], alignRight: boolean[]): string {
  const widths = header.map((cell, i) => Math.max(width(cell), ...rows.map((row) => width(row[i]))));
  const line = (cells: string[]) => cells.map((cell, i) => {
    const pad = ' '.repeat(widths[i] - width(cell));
    return alignRight[i] ? pad + cell : cell + pad;
  }).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

function width(text: string): number {
  let cells = 0;
  for (const ch of text) cells += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return cells;
}
