import type { LedgerTestApp } from './ledger-app';

/**
 * One of each entity a command addresses by path (unit `city`, campaign `c1`, activity `a1`, volunteer `v1` with
 * entry `e1`, goods donation `d1`), so a test can send a body to every command route and see only the body judged.
 */
export async function seedOneOfEach(ledger: LedgerTestApp): Promise<void> {
  await ledger.ok('/org-units', { id: 'city', name: '怀化市', level: 'city' });
  await ledger.ok('/campaigns', { id: 'c1', name: '民族团结进步创建', orgUnitId: 'city' });
  await ledger.ok('/activities', { id: 'a1', orgUnitId: 'city', title: '宣讲', category: 'lecture', occurredOn: '2026-05-01', participants: 10 });
  await ledger.ok('/volunteers', { id: 'v1', orgUnitId: 'city', name: '张三' });
  await ledger.ok('/volunteers/v1/hours', { entryId: 'e1', servedOn: '2026-05-01', minutes: 60 });
  await ledger.ok('/donations', {
    id: 'd1', campaignId: 'c1', orgUnitId: 'city', donor: { name: '某企业', kind: 'organisation' }, kind: 'goods', amount: 10000,
    receivedOn: '2026-05-01', items: [{ description: '大米', quantity: 20, unit: '袋' }],
  });
}
