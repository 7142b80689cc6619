import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RecordedEvent } from '@tongxin/event-store';
import { LedgerProjection } from './apply';
import { FOLD_METADATA_KEYS } from './fold';
import type { ChangesFilter, ChangesPage } from './changes';
import { LedgerQueries } from './queries';
import type { RecentActivitiesFilter, RecentActivitiesPage } from './recent-activities';
import { createQueryIndexes, dropQueryIndexes, hasQueryIndexes, prepareReadModelDatabase } from './schema';
import type { Breakdown, BreakdownDimension, OrgUnitView, Totals, TotalsFilter } from './types';

type MaybePromise<T> = T | Promise<T>;

/**
 * What the projection runner needs from a read model. The SQLite model answers synchronously; the
 * PostgreSQL one returns promises, which the runner awaits either way.
 */
export interface ProjectionTarget {
  checkpoint(): MaybePromise<number>;
  /** Applies events after the checkpoint and moves it, atomically; returns the new checkpoint. */
  applyBatch(events: readonly RecordedEvent[]): MaybePromise<number>;
  /** Optional: the only metadata keys applyBatch reads; the runner asks the store for these alone. */
  readonly metadataKeys?: readonly string[];
  /** Optional: a replay from far behind may drop query-only indexes and build them once at the end. */
  beginBulkReplay?(): MaybePromise<void>;
  endBulkReplay?(): MaybePromise<void>;
}

/**
 * The read model as the API sees it, whichever engine holds it (SQLite file or PostgreSQL schema).
 * Every answer carries the checkpoint it was computed at, from the same snapshot as its figures.
 */
export interface LedgerReadModelPort extends ProjectionTarget {
  totals(filter?: TotalsFilter): MaybePromise<Totals>;
  breakdown(by: BreakdownDimension, filter?: TotalsFilter): MaybePromise<Breakdown>;
  orgUnit(id: string): MaybePromise<OrgUnitView | undefined>;
  /** Corrections, voids, rejections, refunds, disbursements and late facts, in log order (changes.ts). */
  changes(filter?: ChangesFilter): MaybePromise<ChangesPage>;
  /** The current activities under a unit, newest held first, a page at a time (recent-activities.ts). */
  recentActivities(filter: RecentActivitiesFilter): MaybePromise<RecentActivitiesPage>;
  close(): MaybePromise<void>;
}

/** The totals read model in its own SQLite file, apart from the event store's, so its writes never block appends. */
export class LedgerReadModel implements LedgerReadModelPort {
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

  readonly metadataKeys = FOLD_METADATA_KEYS;

  applyBatch(events: readonly RecordedEvent[]): number {
    return this.projection.applyBatch(events);
  }

  totals(filter: TotalsFilter = {}): Totals {
    return this.readSnapshot(() => this.queries.totals(filter));
  }

  breakdown(by: BreakdownDimension, filter: TotalsFilter = {}): Breakdown {
    return this.readSnapshot(() => this.queries.breakdown(by, filter));
  }

  orgUnit(id: string): OrgUnitView | undefined {
    return this.readSnapshot(() => this.queries.orgUnit(id));
  }

  changes(filter: ChangesFilter = {}): ChangesPage {
    return this.readSnapshot(() => this.queries.changes(filter));
  }

  recentActivities(filter: RecentActivitiesFilter): RecentActivitiesPage {
    return this.readSnapshot(() => this.queries.recentActivities(filter));
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
    // Full statistics (stat4 samples), as after a rebuild: the planner needs them to scan rather than look up a wide org-path range.
    this.db.exec('ANALYZE');
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
