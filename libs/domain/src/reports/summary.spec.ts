import { summarise, type SummaryInput, type SummaryTotals } from './summary';

const HUAIHUA: SummaryTotals = {
  activitiesHeld: 23_456, participants: 1_304_567, volunteerParticipations: 163_012, volunteerMinutesVerified: 2_474_430,
  fundsRaised: 15_601_234_567, disbursed: 0, beneficiaries: 109_345,
};

function input(overrides: Partial<SummaryInput> = {}): SummaryInput {
  return {
    lang: 'zh-CN', unitName: '怀化市', standsOn: '2026-12-03', totals: HUAIHUA,
    categories: [{ label: '宣讲', activitiesHeld: 15_000 }, { label: '公益', activitiesHeld: 8_456 }],
    ...overrides,
  };
}

describe('summarise', () => {
  it('given the Huaihua figures, when summarised in Chinese, then it reads like the published report with exact figures beside', () => {
    expect(summarise(input({ from: '2026-01-01', to: '2026-11-30', campaignName: '民族团结进步示范市创建' })).text).toBe(
      '2026年1月1日至2026年11月30日，怀化市围绕“民族团结进步示范市创建”，开展宣讲及公益活动2.3万余场（23,456场），'
      + '参与群众130余万人次（1,304,567人次），志愿者参与16.3万余人次（163,012人次），经审核志愿服务时长4.1万余小时（41,240小时30分钟），'
      + '筹集善款物资约1.56亿元（156,012,345.67元），各族受益群众达10.9万余人次（109,345人次）。',
    );
  });

  it('given the same figures, when summarised in English, then the same rounding speaks English', () => {
    expect(summarise(input({ lang: 'en', from: '2026-01-01', to: '2026-11-30' })).text).toBe(
      'From 1 January 2026 to 30 November 2026, 怀化市 held over 23 thousand (23,456) activities, mostly 宣讲 and 公益; '
      + 'participants numbered over 1.3 million (1,304,567) person-times; volunteers took part over 163 thousand (163,012) times; '
      + 'verified volunteer service came to over 41 thousand hours (41,240 h 30 min); '
      + 'funds and goods raised came to about ¥156 million (¥156,012,345.67); beneficiaries reached over 109 thousand (109,345) person-times.',
    );
  });

  it('given more than two categories, when summarised, then the two largest are named and the rest are 等各类活动', () => {
    const text = summarise(input({
      categories: [{ label: '宣讲', activitiesHeld: 10_000 }, { label: '文艺演出', activitiesHeld: 9_000 }, { label: '其他', activitiesHeld: 4_456 }],
    })).text;
    expect(text).toContain('开展宣讲、文艺演出等各类活动2.3万余场（23,456场）');
  });

  it('given categories tied at the cut, when summarised, then only those that stand out are named', () => {
    const even = [{ label: '展览', activitiesHeld: 1 }, { label: '节庆', activitiesHeld: 1 }, { label: '宣讲', activitiesHeld: 1 }];
    expect(summarise(input({ categories: even })).text).toContain('开展各类活动2.3万余场');
    const oneAhead = [{ label: '宣讲', activitiesHeld: 5 }, { label: '节庆', activitiesHeld: 2 }, { label: '展览', activitiesHeld: 2 }];
    expect(summarise(input({ categories: oneAhead })).text).toContain('开展宣讲等各类活动2.3万余场');
    expect(summarise(input({ lang: 'en', categories: oneAhead })).text).toContain('activities, mostly 宣讲;');
    const pair = [{ label: '公益', activitiesHeld: 3 }, { label: '宣讲', activitiesHeld: 3 }];
    expect(summarise(input({ categories: pair })).text).toContain('开展公益及宣讲活动2.3万余场');
  });

  it('given only 其他 activities, when summarised, then no category is named', () => {
    expect(summarise(input({ categories: [{ label: '其他', activitiesHeld: 23_456 }] })).text).toContain('开展各类活动2.3万余场');
  });

  it('given no period, when summarised, then the figures stand at the given date; given only a start, then 以来', () => {
    expect(summarise(input()).text.startsWith('截至2026年12月3日，怀化市开展')).toBe(true);
    expect(summarise(input({ from: '2026-03-01' })).text.startsWith('2026年3月1日以来，怀化市开展')).toBe(true);
    expect(summarise(input({ to: '2026-06-30' })).text.startsWith('截至2026年6月30日，')).toBe(true);
  });

  it('given zero figures, when summarised, then their clauses are left out but the figures are still listed', () => {
    const summary = summarise(input({
      totals: { ...HUAIHUA, participants: 0, volunteerParticipations: 0, volunteerMinutesVerified: 0, beneficiaries: 0, disbursed: 12_345_600 },
    }));
    expect(summary.text).toBe(
      '截至2026年12月3日，怀化市开展宣讲及公益活动2.3万余场（23,456场），筹集善款物资约1.56亿元（156,012,345.67元），'
      + '支出善款约12.35万元（123,456.00元）。',
    );
    expect(summary.figures.map((figure) => [figure.key, figure.value])).toEqual([
      ['activitiesHeld', 23_456], ['participants', 0], ['volunteerParticipations', 0], ['volunteerMinutesVerified', 0],
      ['fundsRaised', 15_601_234_567], ['disbursed', 12_345_600], ['beneficiaries', 0],
    ]);
  });

  it('given an empty ledger, when summarised, then it says there is nothing on record', () => {
    const empty = { activitiesHeld: 0, participants: 0, beneficiaries: 0, volunteerParticipations: 0, volunteerMinutesVerified: 0, fundsRaised: 0, disbursed: 0 };
    expect(summarise(input({ totals: empty, categories: [] })).text).toBe('截至2026年12月3日，怀化市暂无活动记录。');
  });

  it('lists each figure worded and exact', () => {
    expect(summarise(input()).figures.find((figure) => figure.key === 'fundsRaised')).toEqual({
      key: 'fundsRaised', value: 15_601_234_567, unit: '元', wording: '约1.56亿元', exact: '156,012,345.67元', rounded: true,
    });
  });

  it('given small figures that need no rounding, when summarised, then each is written once, exactly', () => {
    const small = { activitiesHeld: 7, participants: 860, beneficiaries: 0, volunteerParticipations: 12, volunteerMinutesVerified: 125, fundsRaised: 500_000, disbursed: 0 };
    expect(summarise(input({ totals: small, categories: [{ label: '宣讲', activitiesHeld: 7 }] })).text).toBe(
      '截至2026年12月3日，怀化市开展宣讲活动7场，参与群众860人次，志愿者参与12人次，经审核志愿服务时长2余小时（2小时5分钟），筹集善款物资5000元。',
    );
    expect(summarise(input({ lang: 'en', totals: small, categories: [{ label: 'lectures', activitiesHeld: 7 }] })).text).toBe(
      'As of 3 December 2026, 怀化市 held 7 activities, mostly lectures; participants numbered 860 person-times; volunteers took part 12 times; '
      + 'verified volunteer service came to over 2 hours (2 h 5 min); funds and goods raised came to ¥5,000.',
    );
  });

  it('given figures of one, when summarised in English, then their nouns are singular', () => {
    const ones = { activitiesHeld: 1, participants: 1, beneficiaries: 1, volunteerParticipations: 1, volunteerMinutesVerified: 60, fundsRaised: 100, disbursed: 0 };
    expect(summarise(input({ lang: 'en', totals: ones, categories: [{ label: 'lectures', activitiesHeld: 1 }] })).text).toBe(
      'As of 3 December 2026, 怀化市 held 1 activity, mostly lectures; participants numbered 1 person-time; volunteers took part 1 time; '
      + 'verified volunteer service came to 1 hour; funds and goods raised came to ¥1; beneficiaries reached 1 person-time.',
    );
  });

  it('given a sum of money, when summarised in each language, then both round it to the same step', () => {
    const totals = { ...HUAIHUA, fundsRaised: 1_548_620 };
    expect(summarise(input({ totals })).text).toContain('筹集善款物资约1.55万元（15,486.20元）');
    expect(summarise(input({ lang: 'en', totals })).text).toContain('funds and goods raised came to about ¥15,500 (¥15,486.20)');
  });

  it('given verified service under an hour, when summarised, then it is given in minutes, exactly, not as 0余小时', () => {
    const totals = { ...HUAIHUA, volunteerMinutesVerified: 45 };
    expect(summarise(input({ totals })).text).toContain('经审核志愿服务时长45分钟，');
    expect(summarise(input({ lang: 'en', totals })).text).toContain('verified volunteer service came to 45 minutes;');
    const [figure] = summarise(input({ totals })).figures.filter((f) => f.key === 'volunteerMinutesVerified');
    expect(figure).toMatchObject({ wording: '45分钟', rounded: false });
  });
});
