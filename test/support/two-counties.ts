import type { LedgerTestApp } from './ledger-app';

/** A city with two counties, `county-a` and `county-b`, each with one village (`village-a`, `village-b`): two scopes side by side. */
export async function seedTwoCounties(ledger: LedgerTestApp): Promise<void> {
  await ledger.ok('/org-units', { id: 'city', name: '市', level: 'city' });
  for (const county of ['a', 'b']) {
    await ledger.ok('/org-units', { id: `county-${county}`, name: `县${county}`, level: 'county', parentId: 'city' });
    await ledger.ok('/org-units', { id: `village-${county}`, name: `村${county}`, level: 'village', parentId: `county-${county}` });
  }
}
