import { createTestDatabase } from '@tongxin/event-store/testing';
import { LedgerTestApp } from './ledger-app';

export interface OpenedLedger {
  ledger: LedgerTestApp;
  /** Drops the store's PostgreSQL database (nothing for SQLite: `ledger.stop()` removes its files). */
  dropStore: () => Promise<void>;
}

/**
 * Runs an end-to-end suite on every store the API runs on: the embedded SQLite store, and PostgreSQL (log and read
 * model in a database of the suite's own, `database` its name prefix) when POSTGRES_URL is set, else skipped visibly.
 */
export function describeOnEveryStore(database: string, body: (store: 'SQLite' | 'PostgreSQL', open: () => Promise<OpenedLedger>) => void): void {
  body('SQLite', async () => ({ ledger: await LedgerTestApp.start(), dropStore: async () => undefined }));
  if (!process.env.POSTGRES_URL) {
    describe.skip(`${database} on PostgreSQL (set POSTGRES_URL to run)`, () => it('needs POSTGRES_URL', () => undefined));
    return;
  }
  body('PostgreSQL', async () => {
    const created = (await createTestDatabase(database))!;
    return { ledger: await LedgerTestApp.start({ storeUrl: created.url }), dropStore: created.drop };
  });
}
