/**
 * Runs a read-model spec against every engine: SQLite files in a temp dir, and PostgreSQL schemas in a
 * database of the suite's own (created from POSTGRES_URL, dropped afterwards; skipped visibly without it).
 */
import { createTestDatabase, type TestDatabase } from '@tongxin/event-store/testing';
import { openLedgerReadModel } from '../open-read-model';
import type { LedgerReadModelPort } from '../read-model';
import { tempDir } from './temp-read-model';

export interface ReadModelEngine {
  name: 'sqlite' | 'postgres';
  /** A new location (file or schema) nobody has opened yet. */
  location(): string;
  /** Opens a location through openLedgerReadModel, as the app does; closed at the end of the suite if still open. */
  open(location?: string): Promise<LedgerReadModelPort>;
}

export function describeReadModel(title: string, body: (engine: ReadModelEngine) => void): void {
  describe(`${title} [sqlite]`, () => {
    const dir = tempDir();
    let counter = 0;
    const engine = trackingEngine('sqlite', () => dir.path(`read-${++counter}.db`));
    afterAll(async () => {
      await engine.closeAll();
      dir.remove();
    });
    body(engine);
  });

  if (!process.env.POSTGRES_URL) {
    console.warn(`${title} [postgres] skipped: set POSTGRES_URL (CI: postgres://postgres@127.0.0.1:5432/postgres)`);
    describe.skip(`${title} [postgres] (POSTGRES_URL is not set)`, () => {
      it('needs a PostgreSQL server', () => undefined);
    });
    return;
  }
  describe(`${title} [postgres]`, () => {
    let database: TestDatabase;
    let counter = 0;
    const engine = trackingEngine('postgres', () => {
      const url = new URL(database.url);
      url.searchParams.set('schema', `read_${++counter}`);
      return url.toString();
    });
    // Registered before the body's hooks: the database exists before any of them runs.
    beforeAll(async () => {
      database = (await createTestDatabase('tongxin_read_test'))!;
    });
    afterAll(async () => {
      await engine.closeAll();
      await database?.drop();
    });
    body(engine);
  });
}

function trackingEngine(name: ReadModelEngine['name'], location: () => string): ReadModelEngine & { closeAll(): Promise<void> } {
  const opened: LedgerReadModelPort[] = [];
  return {
    name,
    location,
    async open(at = location()) {
      const model = await openLedgerReadModel(at);
      opened.push(model);
      return model;
    },
    async closeAll() {
      for (const model of opened) await model.close();
    },
  };
}
