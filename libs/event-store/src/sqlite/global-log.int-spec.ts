import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeGlobalLogExactness } from '../testing/global-log-exactness';
import { SqliteEventStore } from './sqlite-event-store';

for (const writer of ['inline', 'worker'] as const) {
  describeGlobalLogExactness(`sqlite (${writer} writer)`, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tongxin-global-log-'));
    return {
      store: new SqliteEventStore(join(directory, 'ledger.db'), { writer }),
      cleanup: async () => rmSync(directory, { recursive: true, force: true }),
    };
  }, { events: 100_000, timeoutMs: 120_000 });
}
