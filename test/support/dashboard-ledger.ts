import type { LedgerTestApp } from './ledger-app';

/**
 * A city, three counties with townships and a village, two campaigns; activities over six months, hours (one in a month
 * without activities), money, goods and their distribution, and a bank statement.
 */
export async function seedDashboardLedger(ledger: LedgerTestApp): Promise<void> {
  const units: [string, string, string, string?][] = [
    ['huaihua', '怀化市', 'city'],
    ['mayang', '麻阳苗族自治县', 'county', 'huaihua'], ['zhijiang', '芷江侗族自治县', 'county', 'huaihua'],
    ['xinhuang', '新晃侗族自治县', 'county', 'huaihua'],
    ['gaocun', '高村镇', 'township', 'mayang'], ['lanli', '兰里镇', 'township', 'mayang'],
    ['luoxu', '罗旧镇', 'township', 'zhijiang'], ['bozhou', '波洲镇', 'township', 'xinhuang'],
    // A village with nothing below it: the drill-down ends there.
    ['xinying', '新营村', 'village', 'gaocun'],
  ];
  for (const [id, name, level, parentId] of units) await ledger.ok('/org-units', { id, name, level, ...(parentId ? { parentId } : {}) });
  await ledger.ok('/campaigns', { id: 'unity-2026', name: '民族团结进步创建', orgUnitId: 'huaihua' });
  await ledger.ok('/campaigns', { id: 'rural-2026', name: '乡村振兴帮扶', orgUnitId: 'huaihua' });
  const activities: [string, string, string, string, string, string, number, number][] = [
    ['a01', 'gaocun', '民族团结进步宣讲进村寨', 'lecture', 'community', '2026-06-12', 86, 120],
    ['a02', 'lanli', '苗族银饰文化展', 'exhibition', 'education_base', '2026-06-20', 140, 300],
    ['a03', 'luoxu', '侗族大歌文艺演出', 'performance', 'scenic_area', '2026-07-08', 260, 800],
    ['a04', 'bozhou', '关爱留守儿童公益行', 'public_welfare', 'school', '2026-07-21', 45, 60],
    ['a05', 'mayang', '民族政策法规培训班', 'training', 'agency', '2026-08-15', 70, 70],
    ['a06', 'zhijiang', '中秋民族团结联欢会', 'festival', 'community', '2026-09-17', 320, 500],
    ['a07', 'gaocun', '走访慰问困难群众', 'home_visit', 'household', '2026-10-09', 24, 36],
    ['a08', 'xinhuang', '民族团结知识竞赛', 'knowledge_test', 'enterprise', '2026-10-26', 110, 150],
    ['a09', 'lanli', '志愿服务进社区', 'volunteer_service', 'community', '2026-11-14', 58, 210],
    ['a10', 'luoxu', '红色研学之旅', 'study_tour', 'education_base', '2026-11-28', 66, 66],
  ];
  for (const [id, orgUnitId, title, category, venueType, occurredOn, participants, beneficiaries] of activities) {
    await ledger.ok('/activities', { id, orgUnitId, campaignId: 'unity-2026', title, category, venueType, occurredOn, participants, beneficiaries });
  }
  for (const [id, orgUnitId, name] of [['v1', 'gaocun', '滕小红'], ['v2', 'luoxu', '杨志华'], ['v3', 'bozhou', '吴秀英']]) {
    await ledger.ok('/volunteers', { id, orgUnitId, name });
  }
  const hours: [string, string, string | null, string, number, 'verify' | 'reject' | null][] = [
    ['v1', 'h1', 'a01', '2026-06-12', 120, 'verify'], ['v1', 'h2', 'a07', '2026-10-09', 180, 'verify'],
    ['v1', 'h3', 'a09', '2026-11-14', 240, null], ['v2', 'h1', 'a03', '2026-07-08', 300, 'verify'],
    ['v2', 'h2', 'a10', '2026-11-28', 90, 'reject'], ['v3', 'h1', 'a04', '2026-07-21', 150, 'verify'],
    ['v3', 'h2', 'a08', '2026-10-26', 60, null],
    // Served in March, at no activity: the trend runs from March, with April and May empty.
    ['v3', 'h3', null, '2026-03-05', 120, 'verify'],
  ];
  for (const [volunteer, entryId, activityId, servedOn, minutes, review] of hours) {
    await ledger.ok(`/volunteers/${volunteer}/hours`, { entryId, ...(activityId ? { activityId } : {}), servedOn, minutes });
    if (review === 'verify') await ledger.ok(`/volunteers/${volunteer}/hours/${entryId}/verify`);
    if (review === 'reject') await ledger.ok(`/volunteers/${volunteer}/hours/${entryId}/reject`, { reason: '与签到记录不符' });
  }
  const donor = (name: string) => ({ name, kind: 'organisation' });
  await ledger.ok('/donations', {
    id: 'd1', campaignId: 'unity-2026', orgUnitId: 'mayang', donor: donor('怀化市工商联'), kind: 'money', amount: 1_250_000,
    receivedOn: '2026-06-02', method: 'bank_transfer', reference: 'BOC-20260602-17',
  });
  await ledger.ok('/donations', {
    id: 'd2', campaignId: 'unity-2026', orgUnitId: 'zhijiang', donor: donor('某爱心企业'), kind: 'money', amount: 368_850,
    receivedOn: '2026-08-20', method: 'wechat_pay',
  });
  await ledger.ok('/donations', {
    id: 'd3', campaignId: 'unity-2026', orgUnitId: 'xinhuang', donor: donor('县供销社'), kind: 'goods', amount: 456_000,
    receivedOn: '2026-09-30', items: [{ description: '大米', quantity: 120, unit: '袋' }],
  });
  await ledger.ok('/donations/d2/refunds', { refundId: 'r1', amount: 18_850, reason: '重复转账退回' });
  // Goods handed on: 20 bags of the 120 to 20 people.
  await ledger.ok('/donations/d3/distributions', {
    distributionId: 'g1', items: [{ index: 0, quantity: 20 }], recipient: { orgUnitId: 'xinhuang' }, beneficiaries: 20, distributedOn: '2026-10-02',
  });
  // A large sum recorded on the city itself: the campaign axis runs to tens of millions of yuan, and the city has a row of its own.
  await ledger.ok('/donations', {
    id: 'd4', campaignId: 'rural-2026', orgUnitId: 'huaihua', donor: donor('某集团公司'), kind: 'money', amount: 3_000_000_000,
    receivedOn: '2026-07-01', method: 'bank_transfer',
  });
  // A bank statement for the campaign: one line matches d1 by reference, one matches nothing.
  const statement = '交易日期,金额（元）,交易流水号,对方户名\r\n2026-06-02,12500.00,BOC-20260602-17,怀化市工商联\r\n2026-08-21,500.00,,个人\r\n';
  const job = await ledger.upload('/bank-statements?campaignId=unity-2026', Buffer.from(statement, 'utf8'), 'statement.csv');
  const matched = await ledger.finished(job.body.id);
  if (matched.state !== 'completed') throw new Error(`the bank statement job ended ${matched.state}: ${JSON.stringify(matched.error)}`);
  // Read-your-writes: the page must see every figure seeded.
  const position = await ledger.head();
  const caughtUp = await ledger.get(`/stats/totals?minPosition=${position}`);
  if (caughtUp.status !== 200) throw new Error(`the read model did not reach position ${position}: ${caughtUp.text}`);
}
