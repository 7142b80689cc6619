import { Pool, type PoolClient } from 'pg';
import { upcast } from '@tongxin/domain';
import { checkoutClient, isPostgresUnavailable, StoreUnavailableError, type RecordedEvent } from '@tongxin/event-store';
import { changesPlan, type ChangesFilter, type ChangesPage } from '../changes';
import { POSTGRES_DIALECT } from '../fact-tables';
import { FOLD_METADATA_KEYS, LedgerFold } from '../fold';
import {
  breakdownPlan, orgUnitPlan, runPlan, totalsPlan, type ReadPlan, type Row, type SqlQuery,
} from '../queries';
import type { LedgerReadModelPort } from '../read-model';
import { recentActivitiesPlan, type RecentActivitiesFilter, type RecentActivitiesPage } from '../recent-activities';
import { GENERATION_KEY, PROJECTION_NAME } from '../schema';
import type { Breakdown, BreakdownDimension, OrgUnitView, Totals, TotalsFilter } from '../types';
import { PostgresBatch, PostgresFactCache } from './postgres-batch';
import { dropQueryIndexes, finishBulkReplay, hasQueryIndexes, prepareReadModelSchema } from './postgres-schema';

export const DEFAULT_READ_MODEL_SCHEMA = 'tongxin_read';
/** Unquoted identifiers only: the name goes into DDL and search_path as is. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The totals read model in a PostgreSQL schema, for several API and worker processes sharing it.
 * Writes: one transaction per batch that locks the checkpoint row, so two runners never apply the same
 * events; reads: one REPEATABLE READ READ ONLY transaction per answer, so figures and position share a snapshot.
 */
export class PostgresReadModel implements LedgerReadModelPort {
  private readonly fold = new LedgerFold();
  /** Committed rows this writer knows, across batches; valid while the checkpoint is the one it last committed. */
  private readonly facts = new PostgresFactCache();
  private lastCommitted = -1;
  /** The rebuild generation of the rows the cache mirrors (see GENERATION_KEY). */
  private lastGeneration: string | undefined;
  /** Named-parameter SQL → positional SQL and the parameter order. */
  private readonly positional = new Map<string, { text: string; names: string[] }>();
  private closing: Promise<void> | undefined;

  constructor(private readonly pool: Pool, readonly schema: string) {
    // An idle client losing its connection (server restart) must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
  }

  readonly metadataKeys = FOLD_METADATA_KEYS;

  async checkpoint(): Promise<number> {
    const { rows } = await unavailableAs503('checkpoint',
      this.pool.query<{ position: string }>('SELECT position FROM checkpoints WHERE name = $1', [PROJECTION_NAME]));
    return Number(rows[0].position);
  }

  /** Applies the events after the checkpoint and moves it, in one transaction; returns the new checkpoint. */
  async applyBatch(events: readonly RecordedEvent[]): Promise<number> {
    try {
      const { position, batch } = await this.applyInTransaction(events);
      // 3. Committed: the batch's rows are now what the next batches may take without reading.
      batch?.rememberCommitted();
      this.lastCommitted = position;
      return position;
    } catch (error) {
      // Rolled back, or the COMMIT's answer was lost: the cache may hold rows that are not there.
      this.facts.clear();
      this.lastCommitted = -1;
      throw error;
    }
  }

  /**
   * The read model is derived from the log: a crash may lose the latest commits, rows and checkpoint together, and
   * the runner re-applies them. So its transactions do not wait for the WAL flush (as SQLite's synchronous=NORMAL).
   */
  private applyInTransaction(events: readonly RecordedEvent[]): Promise<{ position: number; batch?: PostgresBatch }> {
    return this.transaction((client) => this.applyOn(client, events), 'BEGIN; SET LOCAL synchronous_commit = off');
  }

  /**
   * For a rebuild: applies a batch inside a transaction the caller holds open on `client` (from `connect()`), which
   * commits or rolls back every batch at once. After a failure, discard this model: its cache may hold rolled-back rows.
   */
  async applyBatchWithin(client: PoolClient, events: readonly RecordedEvent[]): Promise<number> {
    const { position, batch } = await this.applyOn(client, events);
    batch?.rememberCommitted();
    this.lastCommitted = position;
    return position;
  }

  /** A connection of this model's pool, its search_path on the model's schema; release it when done. */
  connect(): Promise<PoolClient> {
    return checkoutClient(this.pool);
  }

  private async applyOn(client: PoolClient, events: readonly RecordedEvent[]): Promise<{ position: number; batch?: PostgresBatch }> {
    // 1. Lock the checkpoint: a second writer waits here, then sees what this one committed and skips it.
    const { rows } = await client.query<{ position: string; generation: string | null }>(
      `SELECT position, (SELECT value FROM read_model_meta WHERE key = $2) AS generation
       FROM checkpoints WHERE name = $1 FOR UPDATE`, [PROJECTION_NAME, GENERATION_KEY]);
    const before = Number(rows[0].position);
    const generation = rows[0].generation ?? '';
    // Another writer committed since this one did, or a rebuild replaced the rows: the cache may be out of date.
    if (before !== this.lastCommitted || generation !== this.lastGeneration) this.facts.clear();
    this.lastGeneration = generation;
    let position = before;
    const fresh: RecordedEvent[] = [];
    for (const event of events) {
      if (event.position <= position) continue;
      // Current shapes before the prefetch reads their data (the fold's own upcast is then a no-op).
      fresh.push(upcast(event));
      position = event.position;
    }
    if (fresh.length === 0) return { position: before };
    // 2. Read what the batch touches, fold it in memory, write it in a few statements.
    const batch = new PostgresBatch(this.facts);
    await batch.prefetch(client, fresh);
    for (const event of fresh) this.fold.apply(batch, event);
    await batch.write(client);
    await client.query('UPDATE checkpoints SET position = $1 WHERE name = $2', [position, PROJECTION_NAME]);
    return { position, batch };
  }

  totals(filter: TotalsFilter = {}): Promise<Totals> {
    return this.read(totalsPlan(filter, POSTGRES_DIALECT));
  }

  breakdown(by: BreakdownDimension, filter: TotalsFilter = {}): Promise<Breakdown> {
    return this.read(breakdownPlan(by, filter, POSTGRES_DIALECT));
  }

  orgUnit(id: string): Promise<OrgUnitView | undefined> {
    return this.read(orgUnitPlan(id));
  }

  changes(filter: ChangesFilter = {}): Promise<ChangesPage> {
    return this.read(changesPlan(filter));
  }

  recentActivities(filter: RecentActivitiesFilter): Promise<RecentActivitiesPage> {
    return this.read(recentActivitiesPlan(filter));
  }

  async beginBulkReplay(): Promise<void> {
    await dropQueryIndexes(this.pool);
  }

  /** Idempotent: builds whatever query index is missing (cheap to call after every catch-up). */
  async endBulkReplay(): Promise<void> {
    if (await hasQueryIndexes(this.pool, this.schema)) return;
    await finishBulkReplay(this.pool);
  }

  /** True while query indexes are missing (a bulk replay is under way or was interrupted). */
  async isRebuilding(): Promise<boolean> {
    return !(await hasQueryIndexes(this.pool, this.schema));
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }

  /** For tests and tools that look at the rows themselves. */
  query(sql: string, values: unknown[] = []): Promise<Row[]> {
    return this.pool.query(sql, values).then((result) => result.rows);
  }

  private read<T>(plan: ReadPlan<T>): Promise<T> {
    return unavailableAs503('query', this.transaction((client) => runPlan(plan, (query) => this.execute(client, query)),
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'));
  }

  private async execute(client: PoolClient, query: SqlQuery): Promise<Row[]> {
    let statement = this.positional.get(query.sql);
    if (!statement) this.positional.set(query.sql, (statement = toPositional(query.sql)));
    const { rows } = await client.query(statement.text, statement.names.map((name) => query.params[name]));
    return rows;
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>, begin: string): Promise<T> {
    const client = await checkoutClient(this.pool);
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      // A connection whose ROLLBACK fails is broken: destroy it rather than hand it to the next caller.
      const rolledBack = await client.query('ROLLBACK').then(() => true, () => false);
      client.release(rolledBack ? undefined : true);
      throw error;
    }
  }
}

/**
 * A read model the server cannot reach is a dependency down (HTTP 503 with Retry-After), like the event store,
 * not a bug (500). Anything else passes through.
 */
async function unavailableAs503<T>(doing: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof StoreUnavailableError || !isPostgresUnavailable(error)) throw error;
    throw new StoreUnavailableError(`postgres read model: ${doing} failed: ${(error as Error).message}`, error);
  }
}

/** `@name` → `$n`, the same name always the same number. */
function toPositional(sql: string): { text: string; names: string[] } {
  const names: string[] = [];
  const text = sql.replace(/@(\w+)/g, (_, name: string) => {
    let index = names.indexOf(name);
    if (index < 0) index = names.push(name) - 1;
    return `$${index + 1}`;
  });
  return { text, names };
}

/**
 * Opens (creating if needed) the read model in the schema named by the URL's `schema` parameter
 * (default `tongxin_read`), e.g. postgres://user@host/db?schema=tongxin_read.
 */
export async function openPostgresReadModel(url: string, options: { maxConnections?: number } = {}): Promise<PostgresReadModel> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? DEFAULT_READ_MODEL_SCHEMA;
  if (!SCHEMA_NAME.test(schema)) throw new Error(`read model schema "${schema}" must match ${SCHEMA_NAME}`);
  parsed.searchParams.delete('schema');
  const pool = new Pool({
    connectionString: parsed.toString(), max: options.maxConnections ?? 5,
    // Every connection finds the tables in the schema, so the SQL shared with SQLite names them unqualified.
    options: `-c search_path=${schema}`,
  });
  try {
    const client = await checkoutClient(pool);
    try {
      await prepareReadModelSchema(client, schema);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return new PostgresReadModel(pool, schema);
}
