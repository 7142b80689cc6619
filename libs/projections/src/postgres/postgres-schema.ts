import type { Pool, PoolClient } from 'pg';
import { FACT_TABLE_NAMES, PROJECTION_NAME, READ_MODEL_TABLES, READ_MODEL_VERSION } from '../schema';

/**
 * The read model's tables in PostgreSQL: the same rows as the SQLite model (schema.ts explains them).
 * Positions, instants in ms, entity keys and amounts are bigint (pg returns them as strings; readers parse them).
 * Text compared as a range (org paths, `YYYY-MM-DD` dates) or sorted by the database (ids) is COLLATE "C",
 * so it compares bytes exactly as SQLite's BINARY does, whatever the database's default collation.
 */
const TABLES = READ_MODEL_TABLES;

const C = 'COLLATE "C"';

const DDL = `
CREATE TABLE IF NOT EXISTS checkpoints (name text PRIMARY KEY, position bigint NOT NULL);

CREATE TABLE IF NOT EXISTS org_units (
  id text ${C} PRIMARY KEY, name text NOT NULL, level text NOT NULL, parent_id text ${C}, code text,
  org_path text ${C} NOT NULL, known_from_pos bigint NOT NULL, known_from_at bigint NOT NULL);
CREATE INDEX IF NOT EXISTS org_units_parent ON org_units (parent_id);
CREATE TABLE IF NOT EXISTS campaigns (
  id text PRIMARY KEY, name text NOT NULL, org_unit_id text NOT NULL, org_path text ${C} NOT NULL,
  starts_on text, ends_on text, known_from_pos bigint NOT NULL, known_from_at bigint NOT NULL);
CREATE TABLE IF NOT EXISTS volunteers (
  id text PRIMARY KEY, org_unit_id text NOT NULL, org_path text ${C} NOT NULL,
  known_from_pos bigint NOT NULL, known_from_at bigint NOT NULL);

CREATE TABLE IF NOT EXISTS activity_versions (
  activity_key bigint NOT NULL, activity_id text NOT NULL, recorded_pos bigint NOT NULL, org_path text ${C} NOT NULL,
  campaign_id text, category text NOT NULL, venue_type text, occurred_on text ${C} NOT NULL, participants integer NOT NULL,
  beneficiaries integer NOT NULL, materials_distributed integer NOT NULL,
  known_from_pos bigint NOT NULL, known_from_at bigint NOT NULL, known_until_pos bigint, known_until_at bigint);
CREATE INDEX IF NOT EXISTS activity_versions_key ON activity_versions (activity_key);

CREATE TABLE IF NOT EXISTS hour_versions (
  entry_key bigint NOT NULL, activity_pos bigint, volunteer_id text NOT NULL, entry_id text NOT NULL, activity_id text,
  org_path text ${C} NOT NULL, campaign_id text, served_on text ${C} NOT NULL, minutes integer NOT NULL, verified_pos bigint, verified_at bigint,
  known_from_pos bigint NOT NULL, known_from_at bigint NOT NULL, known_until_pos bigint, known_until_at bigint);
CREATE INDEX IF NOT EXISTS hour_versions_open ON hour_versions (entry_key) WHERE known_until_pos IS NULL;
CREATE INDEX IF NOT EXISTS hour_versions_open_activity ON hour_versions (activity_pos)
  WHERE known_until_pos IS NULL AND activity_pos IS NOT NULL;

CREATE TABLE IF NOT EXISTS donations (
  donation_id text NOT NULL, campaign_id text NOT NULL, org_path text ${C} NOT NULL, kind text NOT NULL,
  amount bigint NOT NULL, received_on text ${C} NOT NULL, known_from_pos bigint NOT NULL, known_from_at bigint NOT NULL);
CREATE TABLE IF NOT EXISTS refunds (
  refund_id text NOT NULL, donation_id text NOT NULL, campaign_id text NOT NULL, org_path text ${C} NOT NULL,
  kind text NOT NULL, amount bigint NOT NULL, refunded_on text ${C} NOT NULL,
  known_from_pos bigint NOT NULL, known_from_at bigint NOT NULL);
CREATE TABLE IF NOT EXISTS disbursements (
  disbursement_id text NOT NULL, campaign_id text NOT NULL, org_path text ${C} NOT NULL, amount bigint NOT NULL,
  beneficiaries integer NOT NULL, activity_id text, paid_on text ${C} NOT NULL,
  known_from_pos bigint NOT NULL, known_from_at bigint NOT NULL);

CREATE TABLE IF NOT EXISTS goods_valuations (
  donation_id text NOT NULL, item_index integer NOT NULL, lot integer NOT NULL, quantity bigint NOT NULL, amount bigint NOT NULL,
  known_from_pos bigint NOT NULL, known_from_at bigint NOT NULL, PRIMARY KEY (donation_id, item_index));
CREATE TABLE IF NOT EXISTS distributions (
  distribution_id text NOT NULL, donation_id text NOT NULL, campaign_id text NOT NULL, org_path text ${C} NOT NULL,
  beneficiaries integer NOT NULL, distributed_on text ${C} NOT NULL, known_from_pos bigint NOT NULL, known_from_at bigint NOT NULL);
CREATE TABLE IF NOT EXISTS distribution_items (
  distribution_id text NOT NULL, donation_id text NOT NULL, item_index integer NOT NULL, campaign_id text NOT NULL,
  org_path text ${C} NOT NULL, unit text ${C} NOT NULL, quantity integer NOT NULL, distributed_on text ${C} NOT NULL,
  known_from_pos bigint NOT NULL, known_from_at bigint NOT NULL);

CREATE TABLE IF NOT EXISTS period_locks (
  month text ${C} NOT NULL, org_unit_id text ${C} NOT NULL, org_path text ${C} NOT NULL, reason text, actor text,
  known_from_pos bigint NOT NULL, known_from_at bigint NOT NULL, PRIMARY KEY (month, org_unit_id));
CREATE TABLE IF NOT EXISTS changes (
  position bigint PRIMARY KEY, recorded_at bigint NOT NULL, kind text NOT NULL, event_type text NOT NULL,
  entity_type text NOT NULL, entity_id text ${C} NOT NULL, parent_id text ${C}, org_path text ${C} NOT NULL,
  b_campaign_id text, b_category text, b_venue_type text, b_date text ${C} NOT NULL,
  a_campaign_id text, a_category text, a_venue_type text, a_date text ${C} NOT NULL,
  before_json text, after_json text, reason text, actor text, locked_month text, locked_org_unit_id text);
`;

/** Indexes only queries use; a bulk replay drops them and builds them once at the end (as in SQLite). */
const QUERY_INDEXES: readonly { name: string; ddl: string }[] = [
  { name: 'org_units_path', ddl: 'CREATE INDEX IF NOT EXISTS org_units_path ON org_units (org_path)' },
  ...FACT_TABLE_NAMES.flatMap((table) => [
    { name: `${table}_path`, ddl: `CREATE INDEX IF NOT EXISTS ${table}_path ON ${table} (org_path)` },
    { name: `${table}_campaign`, ddl: `CREATE INDEX IF NOT EXISTS ${table}_campaign ON ${table} (campaign_id)` },
  ]),
];

type Queryable = Pick<PoolClient, 'query'>;

export async function createQueryIndexes(client: Queryable): Promise<void> {
  for (const index of QUERY_INDEXES) await client.query(index.ddl);
}

/**
 * After a bulk replay: builds each table's query indexes and refreshes its statistics, a connection per table
 * so the server spreads the work over its cores (the replay has stopped; nothing else competes for them). Only the
 * read model's tables are analysed: a bare ANALYZE would also sample the event log beside them.
 */
export async function finishBulkReplay(pool: Pick<Pool, 'query'>): Promise<void> {
  const tables = TABLES.filter((table) => table !== 'read_model_meta');
  await Promise.all(tables.map((table) => {
    const indexes = QUERY_INDEXES.filter((index) => new RegExp(`ON ${table} \\(`).test(index.ddl));
    // One simple-protocol query: its statements run in order, as one implicit transaction.
    return pool.query([...indexes.map((index) => index.ddl), `ANALYZE ${table}`].join(';\n'));
  }));
}

export async function dropQueryIndexes(client: Queryable): Promise<void> {
  for (const index of QUERY_INDEXES) await client.query(`DROP INDEX IF EXISTS ${index.name}`);
}

export async function hasQueryIndexes(client: Queryable, schema: string): Promise<boolean> {
  const { rows } = await client.query<{ n: string }>(
    'SELECT count(*) AS n FROM pg_indexes WHERE schemaname = $1 AND indexname = ANY($2::text[])',
    [schema, QUERY_INDEXES.map((index) => index.name)]);
  return Number(rows[0].n) === QUERY_INDEXES.length;
}

/**
 * Creates the schema and this version's tables, in one transaction under a transaction-level advisory lock
 * keyed by the schema, so processes opening at once take turns and each finds the work done. A stored
 * version other than READ_MODEL_VERSION drops the tables; the runner then rebuilds them from position 0.
 * `client` must have `schema` first on its search_path.
 */
export async function prepareReadModelSchema(client: PoolClient, schema: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('tongxin read model'), hashtext($1))", [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.read_model_meta (key text PRIMARY KEY, value text NOT NULL)`);
    const { rows } = await client.query<{ value: string }>(`SELECT value FROM ${schema}.read_model_meta WHERE key = 'version'`);
    const stored = rows[0] ? Number(rows[0].value) : undefined;
    if (stored !== undefined && stored !== READ_MODEL_VERSION) {
      for (const table of TABLES) await client.query(`DROP TABLE IF EXISTS ${schema}.${table}`);
      await client.query(`CREATE TABLE ${schema}.read_model_meta (key text PRIMARY KEY, value text NOT NULL)`);
    }
    await client.query(DDL);
    if (stored !== READ_MODEL_VERSION) await createQueryIndexes(client);
    await client.query(`INSERT INTO read_model_meta (key, value) VALUES ('version', $1)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [String(READ_MODEL_VERSION)]);
    await client.query('INSERT INTO checkpoints (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING', [PROJECTION_NAME]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
