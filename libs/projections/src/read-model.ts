import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RecordedEvent } from '@tongxin/event-store';
import { LedgerProjection } from './apply';
import { decodeOrgPath } from './org-path';
import { LedgerQueries } from './queries';
import { createQueryIndexes, dropQueryIndexes, hasQueryIndexes, prepareReadModelDatabase } from './schema';
import type { Breakdown, BreakdownDimension, OrgUnitView, Totals, TotalsFilter } from './types';

/**
 * What the projection runner needs from a read model. The SQLite model answers synchronously; a
 * PostgreSQL one (issue 3) will return promises, which the runner already awaits.
 */
export interface ProjectionTarget {
  checkpoint(): number | Promise<number>;
  /** Applies events after the checkpoint and moves it, atomically; returns the new checkpoint. */
  applyBatch(events: readonly RecordedEvent[]): number | Promise<number>;
  /** Optional: a replay from far behind may drop query-only indexes and build them once at the end. */
  beginBulkReplay?(): void | Promise<void>;
  endBulkReplay?(): void | Promise<void>;
}

/** The totals read model in its own SQLite file, apart from the event store's, so its writes never block appends. */
export class LedgerReadModel implements ProjectionTarget {
  private readonly projection: LedgerProjection;
  private readonly queries: LedgerQueries;
  private readonly readSnapshot: <T>(read: () => T) => T;

  constructor(private readonly db: Database.Database) {
    this.projection = new LedgerProjection(db);
    this.queries = new LedgerQueries(db);
    // One deferred transaction per answer: every table and the checkpoint come from the same WAL snapshot.
    const snapshot = db.transaction((read: () => unknown) => read());
    this.readSnapshot = <T>(read: () => T) => snapshot(read) as T;
  }

  /** The last global position the read model includes. */
  checkpoint(): number {
    // Another process (a worker rebuilding) may share the file: read it rather than trust a copy.
    return this.projection.checkpoint();
  }

  applyBatch(events: readonly RecordedEvent[]): number {
    return this.projection.applyBatch(events);
  }

  totals(filter: TotalsFilter = {}): Totals {
    return this.readSnapshot(() => ({ ...this.queries.figures(filter), position: this.projection.checkpoint() }));
  }

  breakdown(by: BreakdownDimension, filter: TotalsFilter = {}): Breakdown {
    return this.readSnapshot(() => ({ ...this.queries.breakdown(by, filter), position: this.projection.checkpoint() }));
  }

  orgUnit(id: string): OrgUnitView | undefined {
    const row = this.db.prepare('SELECT id, name, level, parent_id, code, org_path FROM org_units WHERE id = ?').get(id) as
      { id: string; name: string; level: string; parent_id: string | null; code: string | null; org_path: string } | undefined;
    if (!row) return undefined;
    const children = (this.db.prepare('SELECT id FROM org_units WHERE parent_id = ? ORDER BY id').all(id) as { id: string }[])
      .map((child) => child.id);
    return {
      id: row.id, name: row.name, level: row.level, parentId: row.parent_id, code: row.code,
      path: decodeOrgPath(row.org_path), children,
    };
  }

  beginBulkReplay(): void {
    dropQueryIndexes(this.db);
    // Checkpoint the WAL into the database in 64 MiB steps rather than 4 MiB ones: fewer fsyncs.
    this.db.pragma('wal_autocheckpoint = 16384');
  }

  /** Idempotent: builds whatever query index is missing (cheap to call after every catch-up). */
  endBulkReplay(): void {
    if (hasQueryIndexes(this.db)) return;
    createQueryIndexes(this.db);
    this.db.pragma('optimize');
    this.db.pragma('wal_autocheckpoint = 1000');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** True while query indexes are missing (a bulk replay is under way or was interrupted). */
  isRebuilding(): boolean {
    return !hasQueryIndexes(this.db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating if needed) the read model at `path`, e.g. './data/tongxin-read.db', or ':memory:'. */
export function openReadModel(path: string): LedgerReadModel {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    prepareReadModelDatabase(db, inMemory);
  } catch (error) {
    db.close();
    throw error;
  }
  return new LedgerReadModel(db);
}
