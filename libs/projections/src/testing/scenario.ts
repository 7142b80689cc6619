/**
 * The hand-computed scenario: a city → county → township → village tree, two campaigns, activities with
 * a correction that moves one to another campaign (with linked hours), a void, verified and rejected
 * hours, donations in money and goods, a refund and a disbursement. Expected figures live in the specs.
 *
 *   C-huaihua 怀化市 (city)                 d1 money 100000 (A, 03-01), r1 refund 20000 (03-20)
 *   ├─ K1-hecheng 鹤城区 (county)            a4 meeting, no campaign, 30 participants (04-15)
 *   │  └─ T1-tw 城南镇 (township)            d2 money 50000 (B, 03-12)
 *   │     ├─ V1-v1 一村 (village)            a1 lecture/agency A 100/80/20 (03-05); p1 40000 A (04-10), 15 beneficiaries
 *   │     └─ V2-v2 二村 (village)            a2 public_welfare/community B 50/200/0 (03-10) → corrected to A, 60
 *   └─ K2-zhijiang 芷江县 (county)
 *      └─ T2-tw 新店镇 (township)
 *         └─ V3-v3 三村 (village)            a3 performance/school A 300/300/50 (04-02) → voided; d3 goods 30000 A (04-05)
 *
 *   hours: e1 vol1 120 → a1 (03-05) verified; e2 vol2 60 → a2 (03-10) verified; e3 vol1 90 → a2 (03-10);
 *          e4 vol3 45, no activity (V3, 04-03); e5 vol3 30 → a3 (04-02) verified; e6 vol2 240 → a1 (03-05) → rejected
 */
import { LedgerLog } from './ledger-log';

export interface Scenario {
  log: LedgerLog;
  /** Every instant recorded before the correction: all facts in, nothing revised. */
  beforeCorrection: string;
  afterCorrection: string;
  afterVoid: string;
  afterReject: string;
  /** An instant before the first event. */
  beforeAnything: string;
  /** Before e1 was verified. */
  beforeVerification: string;
}

export function huaihuaScenario(): Scenario {
  const log = new LedgerLog().at('2024-05-01T00:00:00.000Z');
  log.orgUnit('C-huaihua', '怀化市', 'city')
    .orgUnit('K1-hecheng', '鹤城区', 'county', 'C-huaihua')
    .orgUnit('K2-zhijiang', '芷江县', 'county', 'C-huaihua')
    .orgUnit('T1-tw', '城南镇', 'township', 'K1-hecheng')
    .orgUnit('T2-tw', '新店镇', 'township', 'K2-zhijiang')
    .orgUnit('V1-v1', '一村', 'village', 'T1-tw')
    .orgUnit('V2-v2', '二村', 'village', 'T1-tw')
    .orgUnit('V3-v3', '三村', 'village', 'T2-tw')
    .campaign('A', '同心共筑中国梦', 'C-huaihua')
    .campaign('B', '鹤城民族团结月', 'K1-hecheng')
    .volunteer('vol1', 'V1-v1').volunteer('vol2', 'V2-v2').volunteer('vol3', 'V3-v3')
    .activity('a1', { orgUnitId: 'V1-v1', campaignId: 'A', category: 'lecture', venueType: 'agency', occurredOn: '2024-03-05', participants: 100, beneficiaries: 80, materialsDistributed: 20 })
    .activity('a2', { orgUnitId: 'V2-v2', campaignId: 'B', category: 'public_welfare', venueType: 'community', occurredOn: '2024-03-10', participants: 50, beneficiaries: 200 })
    .activity('a3', { orgUnitId: 'V3-v3', campaignId: 'A', category: 'performance', venueType: 'school', occurredOn: '2024-04-02', participants: 300, beneficiaries: 300, materialsDistributed: 50 })
    .activity('a4', { orgUnitId: 'K1-hecheng', category: 'meeting', occurredOn: '2024-04-15', participants: 30 })
    .hours('vol1', 'e1', 120, '2024-03-05', 'a1')
    .hours('vol2', 'e2', 60, '2024-03-10', 'a2')
    .hours('vol1', 'e3', 90, '2024-03-10', 'a2')
    .hours('vol3', 'e4', 45, '2024-04-03')
    .hours('vol3', 'e5', 30, '2024-04-02', 'a3')
    .hours('vol2', 'e6', 240, '2024-03-05', 'a1')
    .donate('d1', 'A', 'C-huaihua', 'money', 100_000, '2024-03-01')
    .donate('d2', 'B', 'T1-tw', 'money', 50_000, '2024-03-12')
    .donate('d3', 'A', 'V3-v3', 'goods', 30_000, '2024-04-05')
    .refund('r1', 'd1', 20_000, '2024-03-20')
    .disburse('p1', 'A', 'V1-v1', 40_000, '2024-04-10', 15);
  const beforeVerification = log.lastRecordedAt;
  log.verify('vol1', 'e1').verify('vol2', 'e2').verify('vol3', 'e5');
  const beforeCorrection = log.lastRecordedAt;
  log.at('2024-05-10T00:00:00.000Z').correct('a2', { campaignId: 'A', participants: 60 });
  const afterCorrection = log.lastRecordedAt;
  log.at('2024-05-11T00:00:00.000Z').void('a3');
  const afterVoid = log.lastRecordedAt;
  log.at('2024-05-12T00:00:00.000Z').reject('vol2', 'e6');
  const afterReject = log.lastRecordedAt;
  return {
    log, beforeCorrection, afterCorrection, afterVoid, afterReject, beforeVerification,
    beforeAnything: '2024-04-30T23:59:59.999Z',
  };
}
