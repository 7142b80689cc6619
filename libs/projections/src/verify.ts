import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool, type PoolClient } from 'pg';
import { isPostgresUrl, type EventStore } from '@tongxin/event-store';
import { FOLD_METADATA_KEYS } from './fold';
import { openPostgresReadModel, DEFAULT_READ_MODEL_SCHEMA } from './postgres/postgres-read-model';
import { openReadModel } from './read-model';
import { advisoryLock, once, retryWhileBusy } from './rebuild';
import { replayLog, type ReplayProgress } from './replay';
import { PROJECTION_NAME, READ_MODEL_TABLES, READ_MODEL_VERSION } from './schema';

type ComparedTable = Exclude<(typeof READ_MODEL_TABLES)[number], 'read_model_meta'>;

/** How a difference is named: the columns that identify a row (a fact's id, and for row versions the event that opened it). */
const ROW_KEYS: Record<ComparedTable, readonly string[]> = {
  checkpoints: ['name'],
  org_units: ['id'],
  campaigns: ['id'],
  volunteers: ['id'],
  activity_versions: ['activity_id', 'known_from_pos'],
  hour_versions: ['volunteer_id', 'entry_id', 'known_from_pos'],
  donations: ['donation_id'],
  refunds: ['refund_id'],
  disbursements: ['disbursement_id'],
  goods_valuations: ['donation_id', 'item_index'],
  distributions: ['distribution_id'],
  distribution_items: ['distribution_id', 'item_index'],
  period_locks: ['month', 'org_unit_id'],
  changes: ['position'],
};

export interface RowDifference {
  table: string;
  key: Record<string, unknown>;
  /** The row in the live model (undefined: only the replay has it). */
  live?: Record<string, unknown>;
  /** The row the replay produced (undefined: only the live model has it). */
  rebuilt?: Record<string, unknown>;
}

export interface VerifyResult {
  /** The live checkpoint the replay was taken to. */
  position: number;
  rowsCompared: number;
  /** Rows that differ, per table (a changed row counts on both sides). */
  differing: Record<string, number>;
  /** The first differences, a few per table. */
  differences: RowDifference[];
}

export interface VerifyOptions {
  progress?: ReplayProgress;
  onWait?: (message: string) => void;
  /** Differences shown per table. */
  sample?: number;
}

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/**
 * Replays the log into scratch tables up to the live model's checkpoint and compares every table row by row
 * (as multisets: order-independent, and a duplicated row is a difference). The live model's writers are held
 * off meanwhile (its write lock / checkpoint row), so the checkpoint and rows compared do not move; queries
 * keep answering. The scratch tables are removed afterwards.
 */
export async function verifyReadModel(store: EventStore, location: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  return isPostgresUrl(location) ? verifyPostgres(store, location, options) : verifySqlite(store, location, options);
}

async function verifySqlite(store: EventStore, path: string, options: VerifyOptions): Promise<VerifyResult> {
  if (!existsSync(path)) throw new Error(`no read model at ${path}`);
  const live = new Database(path, { fileMustExist: true });
  const scratchDir = mkdtempSync(join(tmpdir(), 'tongxin-verify-'));
  try {
    checkVersion(live.prepare("SELECT value FROM read_model_meta WHERE key = 'version'").pluck().get());
    // 1. Hold the live model's write lock: its checkpoint and rows stay put while the replay runs.
    live.pragma('busy_timeout = 100');
    await retryWhileBusy(() => live.exec('BEGIN IMMEDIATE'), once(() => options.onWait?.(`waiting for the write lock on ${path}`)));
    try {
      const position = (live.prepare('SELECT position FROM checkpoints WHERE name = ?').pluck().get(PROJECTION_NAME) as number);
      // 2. Replay into a scratch file.
      const scratchPath = join(scratchDir, 'rebuilt.db');
      const scratch = openReadModel(scratchPath);
      try {
        scratch.beginBulkReplay();
        await replayLog(store, (batch) => scratch.applyBatch(batch), { until: position, progress: options.progress, metadataKeys: FOLD_METADATA_KEYS });
        scratch.endBulkReplay();
      } finally {
        scratch.close();
      }
      // 3. Compare from a third connection: the live one is inside its transaction, where ATTACH is refused.
      const compare = new Database(scratchPath);
      try {
        compare.prepare('ATTACH DATABASE ? AS live').run(path);
        const query: Query = async (sql) => compare.prepare(sql).all() as Record<string, unknown>[];
        const columns = async (table: string) => (compare.prepare(`SELECT name FROM pragma_table_info('${table}', 'main')`).pluck().all() as string[]);
        return { position, ...(await compareTables(query, columns, (t) => `live.${t}`, (t) => `main.${t}`, options.sample ?? 5)) };
      } finally {
        compare.close();
      }
    } finally {
      if (live.inTransaction) live.exec('ROLLBACK');
    }
  } finally {
    live.close();
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

async function verifyPostgres(store: EventStore, url: string, options: VerifyOptions): Promise<VerifyResult> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? DEFAULT_READ_MODEL_SCHEMA;
  // The name goes into SQL as is: the same rule openPostgresReadModel applies.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`read model schema "${schema}" must be a lower-case identifier`);
  const scratchSchema = `tongxin_verify_${randomBytes(6).toString('hex')}`;
  parsed.searchParams.delete('schema');
  const pool = new Pool({ connectionString: parsed.toString(), max: 2 });
  pool.on('error', () => undefined);
  const client: PoolClient = await pool.connect();
  try {
    const { rows: version } = await client.query(`SELECT value FROM ${schema}.read_model_meta WHERE key = 'version'`)
      .catch(() => ({ rows: [] as { value: string }[] }));
    if (version.length === 0) throw new Error(`no read model in schema ${schema}`);
    checkVersion(version[0].value);
    await advisoryLock(client, schema, () => options.onWait?.(`waiting for a rebuild or verify of schema ${schema}`));
    await client.query('BEGIN');
    try {
      // 1. Hold the checkpoint row: runners wait, so the checkpoint and rows compared do not move.
      const { rows } = await client.query<{ position: string }>(`SELECT position FROM ${schema}.checkpoints WHERE name = $1 FOR UPDATE`, [PROJECTION_NAME]);
      const position = Number(rows[0].position);
      // 2. Replay into a scratch schema (its own connections; committed, so visible to this one).
      const scratchUrl = new URL(parsed.toString());
      scratchUrl.searchParams.set('schema', scratchSchema);
      const scratch = await openPostgresReadModel(scratchUrl.toString());
      try {
        await scratch.beginBulkReplay();
        await replayLog(store, (batch) => scratch.applyBatch(batch), { until: position, progress: options.progress, metadataKeys: FOLD_METADATA_KEYS });
        await scratch.endBulkReplay();
      } finally {
        await scratch.close();
      }
      // 3. Compare across the two schemas, in this (READ COMMITTED) transaction.
      const query: Query = async (sql) => (await client.query(sql)).rows;
      const columns = async (table: string) => (await client.query<{ column_name: string }>(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
        [schema, table])).rows.map((row) => row.column_name);
      return { position, ...(await compareTables(query, columns, (t) => `${schema}.${t}`, (t) => `${scratchSchema}.${t}`, options.sample ?? 5)) };
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${scratchSchema} CASCADE`).catch(() => undefined);
    await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    client.release();
    await pool.end();
  }
}

/** Multiset differences in both directions per table: rows grouped with their number of copies, then EXCEPT. */
async function compareTables(
  query: Query, columnsOf: (table: string) => Promise<string[]>, live: (table: string) => string, rebuilt: (table: string) => string, sample: number,
): Promise<Omit<VerifyResult, 'position'>> {
  const result: Omit<VerifyResult, 'position'> = { rowsCompared: 0, differing: {}, differences: [] };
  for (const table of Object.keys(ROW_KEYS) as ComparedTable[]) {
    const columns = (await columnsOf(table)).map((column) => `"${column}"`).join(', ');
    const keys = ROW_KEYS[table];
    const counted = (source: string) => `SELECT ${columns}, COUNT(*) AS row_copies FROM ${source} GROUP BY ${columns}`;
    const onlyIn = (a: string, b: string) => `${counted(a)} EXCEPT ${counted(b)}`;
    const [{ n }] = await query(`SELECT COUNT(*) AS n FROM ${live(table)}`);
    result.rowsCompared += Number(n);
    const liveOnly = await query(`SELECT * FROM (${onlyIn(live(table), rebuilt(table))}) d ORDER BY ${keys.join(', ')} LIMIT ${sample}`);
    const rebuiltOnly = await query(`SELECT * FROM (${onlyIn(rebuilt(table), live(table))}) d ORDER BY ${keys.join(', ')} LIMIT ${sample}`);
    if (liveOnly.length === 0 && rebuiltOnly.length === 0) continue;
    const [{ a }] = await query(`SELECT COUNT(*) AS a FROM (${onlyIn(live(table), rebuilt(table))}) d`);
    const [{ b }] = await query(`SELECT COUNT(*) AS b FROM (${onlyIn(rebuilt(table), live(table))}) d`);
    result.differing[table] = Number(a) + Number(b);
    // Pair the two sides by key: a changed row shows as live vs rebuilt.
    const keyOf = (row: Record<string, unknown>) => JSON.stringify(keys.map((k) => String(row[k])));
    const pairs = new Map<string, RowDifference>();
    for (const [side, rows] of [['live', liveOnly], ['rebuilt', rebuiltOnly]] as const) {
      for (const row of rows) {
        const id = keyOf(row);
        const difference = pairs.get(id) ?? { table, key: Object.fromEntries(keys.map((k) => [k, row[k]])) };
        difference[side] = row;
        pairs.set(id, difference);
      }
    }
    result.differences.push(...[...pairs.values()].slice(0, sample));
  }
  return result;
}

function checkVersion(stored: unknown): void {
  if (Number(stored) !== READ_MODEL_VERSION) {
    throw new Error(`the read model is version ${String(stored)}, this code writes ${READ_MODEL_VERSION}: run \`tongxin rebuild\``);
  }
}
