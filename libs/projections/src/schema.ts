import type Database from 'better-sqlite3';

/**
 * The read model's tables. Facts are bitemporal row versions: `known_from_*` is the event (position and
 * recordedAt in epoch ms) that opened a version, `known_until_*` the one that closed it (NULL while current).
 * "Current" is `known_until_pos IS NULL`; "as of T" is `known_from_at <= T AND (known_until_at IS NULL OR
 * known_until_at > T)`. Donations, refunds and disbursements are never revised, so they only carry known_from.
 * An hour entry's verification is a state of its version, not a version: `verified_*` is the event that verified it
 * (NULL while pending), and "verified as of T" is `verified_at <= T`.
 *
 * `org_path` is '/root/…/unit/' (ids cannot hold '/'), so a subtree is the range [path, path-with-final-'0').
 * The DDL is plain SQL that PostgreSQL also accepts (partial indexes, ON CONFLICT); there `org_path` wants
 * COLLATE "C" so the range compares bytes, as SQLite's BINARY does.
 *
 * Bump READ_MODEL_VERSION whenever the tables or the meaning of a row change: opening a file written by
 * another version drops the tables, and the runner rebuilds them by replaying from position 0.
 */
export const READ_MODEL_VERSION = 6;
export const PROJECTION_NAME = 'ledger-totals';

/**
 * read_model_meta key a rebuild sets to a new value in the transaction that empties the tables: a writer that
 * cached rows finds it changed and forgets them, even when the checkpoint it sees is the one it last committed.
 */
export const GENERATION_KEY = 'generation';

export const READ_MODEL_TABLES = ['checkpoints', 'read_model_meta', 'org_units', 'campaigns', 'volunteers', 'activity_versions',
  'hour_versions', 'donations', 'refunds', 'disbursements', 'goods_valuations', 'distributions', 'distribution_items',
  'period_locks', 'changes'] as const;

/** The tables figures are summed from, each indexed by org path and campaign for queries. */
export const FACT_TABLE_NAMES: readonly string[] = ['activity_versions', 'hour_versions', 'donations', 'refunds', 'disbursements',
  'distributions', 'distribution_items'];

/** The projection's lookups by entity (apply.ts); a rebuild builds them after its last row unless it needs them sooner. */
const ACTIVITY_KEY_INDEX = 'CREATE INDEX IF NOT EXISTS activity_versions_key ON activity_versions (activity_key)';
const OPEN_HOURS_INDEX = 'CREATE INDEX IF NOT EXISTS hour_versions_open ON hour_versions (entry_key) WHERE known_until_pos IS NULL';
const LOOKUP_INDEXES: readonly string[] = [ACTIVITY_KEY_INDEX, OPEN_HOURS_INDEX];

const DDL = `
CREATE TABLE IF NOT EXISTS read_model_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL);

CREATE TABLE IF NOT EXISTS org_units (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL, parent_id TEXT, code TEXT,
  org_path TEXT NOT NULL, known_from_pos INTEGER NOT NULL, known_from_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS org_units_parent ON org_units (parent_id);
CREATE TABLE IF NOT EXISTS campaigns (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, org_unit_id TEXT NOT NULL, org_path TEXT NOT NULL,
  starts_on TEXT, ends_on TEXT, known_from_pos INTEGER NOT NULL, known_from_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS volunteers (
  id TEXT PRIMARY KEY, org_unit_id TEXT NOT NULL, org_path TEXT NOT NULL,
  known_from_pos INTEGER NOT NULL, known_from_at INTEGER NOT NULL);

CREATE TABLE IF NOT EXISTS activity_versions (
  activity_key INTEGER NOT NULL, activity_id TEXT NOT NULL, recorded_pos INTEGER NOT NULL, org_path TEXT NOT NULL, campaign_id TEXT, category TEXT NOT NULL, venue_type TEXT,
  occurred_on TEXT NOT NULL, participants INTEGER NOT NULL, beneficiaries INTEGER NOT NULL,
  materials_distributed INTEGER NOT NULL,
  known_from_pos INTEGER NOT NULL, known_from_at INTEGER NOT NULL, known_until_pos INTEGER, known_until_at INTEGER);
-- *_key columns hold entityKey(id) (entity-key.ts): integer indexes are cheaper to keep up than text ones.
-- Not partial: a voided activity's last campaign is still looked up for hours linked to it.
${ACTIVITY_KEY_INDEX};

CREATE TABLE IF NOT EXISTS hour_versions (
  entry_key INTEGER NOT NULL, activity_pos INTEGER, volunteer_id TEXT NOT NULL, entry_id TEXT NOT NULL, activity_id TEXT, org_path TEXT NOT NULL, campaign_id TEXT,
  served_on TEXT NOT NULL, minutes INTEGER NOT NULL, verified_pos INTEGER, verified_at INTEGER,
  known_from_pos INTEGER NOT NULL, known_from_at INTEGER NOT NULL, known_until_pos INTEGER, known_until_at INTEGER);
${OPEN_HOURS_INDEX};
-- activity_pos (the position that recorded the linked activity) rather than its id: hours are logged
-- against recent activities, so these inserts land at the right edge of the index, where they are cheap.
CREATE INDEX IF NOT EXISTS hour_versions_open_activity ON hour_versions (activity_pos)
  WHERE known_until_pos IS NULL AND activity_pos IS NOT NULL;

CREATE TABLE IF NOT EXISTS donations (
  donation_id TEXT NOT NULL, campaign_id TEXT NOT NULL, org_path TEXT NOT NULL, kind TEXT NOT NULL,
  amount INTEGER NOT NULL, received_on TEXT NOT NULL, known_from_pos INTEGER NOT NULL, known_from_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS refunds (
  refund_id TEXT NOT NULL, donation_id TEXT NOT NULL, campaign_id TEXT NOT NULL, org_path TEXT NOT NULL,
  kind TEXT NOT NULL, amount INTEGER NOT NULL, refunded_on TEXT NOT NULL,
  known_from_pos INTEGER NOT NULL, known_from_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS disbursements (
  disbursement_id TEXT NOT NULL, campaign_id TEXT NOT NULL, org_path TEXT NOT NULL, amount INTEGER NOT NULL,
  beneficiaries INTEGER NOT NULL, activity_id TEXT, paid_on TEXT NOT NULL,
  known_from_pos INTEGER NOT NULL, known_from_at INTEGER NOT NULL);

-- Goods handed on (fact-tables.ts values them): one row per distribution, one per line of it, and one per line of a
-- goods donation with a value per unit, naming the lot of units that share it (fold.ts: goodsValuations).
CREATE TABLE IF NOT EXISTS goods_valuations (
  donation_id TEXT NOT NULL, item_index INTEGER NOT NULL, lot INTEGER NOT NULL, quantity INTEGER NOT NULL, amount INTEGER NOT NULL,
  known_from_pos INTEGER NOT NULL, known_from_at INTEGER NOT NULL, PRIMARY KEY (donation_id, item_index));
CREATE TABLE IF NOT EXISTS distributions (
  distribution_id TEXT NOT NULL, donation_id TEXT NOT NULL, campaign_id TEXT NOT NULL, org_path TEXT NOT NULL,
  beneficiaries INTEGER NOT NULL, distributed_on TEXT NOT NULL, known_from_pos INTEGER NOT NULL, known_from_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS distribution_items (
  distribution_id TEXT NOT NULL, donation_id TEXT NOT NULL, item_index INTEGER NOT NULL, campaign_id TEXT NOT NULL,
  org_path TEXT NOT NULL, unit TEXT NOT NULL, quantity INTEGER NOT NULL, distributed_on TEXT NOT NULL,
  known_from_pos INTEGER NOT NULL, known_from_at INTEGER NOT NULL);

CREATE TABLE IF NOT EXISTS period_locks (
  month TEXT NOT NULL, org_unit_id TEXT NOT NULL, org_path TEXT NOT NULL, reason TEXT, actor TEXT,
  known_from_pos INTEGER NOT NULL, known_from_at INTEGER NOT NULL, PRIMARY KEY (month, org_unit_id));
-- changes.ts explains the rows; few beside the facts (corrections are rare), so the position key serves every query.
CREATE TABLE IF NOT EXISTS changes (
  position INTEGER PRIMARY KEY, recorded_at INTEGER NOT NULL, kind TEXT NOT NULL, event_type TEXT NOT NULL,
  entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, parent_id TEXT, org_path TEXT NOT NULL,
  b_campaign_id TEXT, b_category TEXT, b_venue_type TEXT, b_date TEXT NOT NULL,
  a_campaign_id TEXT, a_category TEXT, a_venue_type TEXT, a_date TEXT NOT NULL,
  before_json TEXT, after_json TEXT, reason TEXT, actor TEXT, locked_month TEXT, locked_org_unit_id TEXT);
`;

/**
 * Indexes only queries use. A replay from far behind drops them and builds them once at the end
 * (a sorted build is several times cheaper than keeping them up to date row by row).
 */
const QUERY_INDEXES: readonly string[] = [
  'CREATE INDEX IF NOT EXISTS org_units_path ON org_units (org_path)',
  ...FACT_TABLE_NAMES.flatMap((table) => [
    `CREATE INDEX IF NOT EXISTS ${table}_path ON ${table} (org_path)`,
    `CREATE INDEX IF NOT EXISTS ${table}_campaign ON ${table} (campaign_id)`,
  ]),
];

function indexName(ddl: string): string {
  return /INDEX IF NOT EXISTS (\w+)/.exec(ddl)![1];
}

export function createQueryIndexes(db: Database.Database): void {
  for (const ddl of QUERY_INDEXES) db.exec(ddl);
}

/**
 * Drops the query indexes, or all but those on campaign_id with `keepCampaignIndexes` (ensuring those exist): a column
 * of a few dozen values, so new rows land on a few hot pages and a rebuild keeps them up as it goes for less than
 * building them at the end (1,000,000 events: ~1.1 s less of index builds after the last row; the org_path ones,
 * ~3,000 values, cost more kept up than built).
 */
export function dropQueryIndexes(db: Database.Database, keepCampaignIndexes = false): void {
  for (const ddl of QUERY_INDEXES) {
    if (keepCampaignIndexes && ddl.endsWith('(campaign_id)')) db.exec(ddl);
    else db.exec(`DROP INDEX IF EXISTS ${indexName(ddl)}`);
  }
}

/**
 * The indexes by entity key, which a rebuild's writes do not need (they reach rows by rowid): keeping them up as rows
 * arrive writes at random places in two B-trees, ~3 µs an event at 200,000 events and more as they outgrow the page
 * cache, against ~0.5 s to build both after the last of 1,000,000 events.
 */
export function dropLookupIndexes(db: Database.Database): void {
  for (const ddl of LOOKUP_INDEXES) db.exec(`DROP INDEX IF EXISTS ${indexName(ddl)}`);
}

/** Idempotent. */
export function createLookupIndexes(db: Database.Database): void {
  for (const ddl of LOOKUP_INDEXES) db.exec(ddl);
}

export function hasQueryIndexes(db: Database.Database): boolean {
  const names = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[])
    .map((row) => row.name));
  return QUERY_INDEXES.every((ddl) => names.has(indexName(ddl)));
}

/**
 * Page size of a new read model file, bytes. Its rows are narrow and read in ranges, and a rebuild writes the whole model
 * at once: against SQLite's 4,096, a rebuild of 1,000,000 events spent ~1 s less of the rebuild thread's CPU, and its
 * end (index builds, ANALYZE, the commit's checkpoint) was ~0.5 s shorter. A live batch writes a few whole pages more.
 */
export const READ_MODEL_PAGE_SIZE = 16_384;

/** Durability first (pragmas cannot change inside a transaction), then the tables of this version. */
export function prepareReadModelDatabase(db: Database.Database, inMemory: boolean): void {
  db.pragma('busy_timeout = 5000');
  // Only a new, empty file takes it (WAL fixes a file's page size once written).
  db.pragma(`page_size = ${READ_MODEL_PAGE_SIZE}`);
  const journalMode = db.pragma('journal_mode = WAL', { simple: true });
  if (!inMemory && journalMode !== 'wal') throw new Error(`read model: cannot switch to WAL (${String(journalMode)})`);
  // NORMAL, not FULL: the read model is derived from the log. In WAL mode a power loss can only roll back
  // the latest batches, and each batch's checkpoint rolls back with its rows, so a restart re-applies them
  // and never counts twice. The log itself (the event store) stays synchronous=FULL. Skipping the fsync
  // keeps projection commits from stalling the API's event loop.
  db.pragma('synchronous = NORMAL');
  // A replay touches the same index pages over and over; 64 MiB keeps them in memory.
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS read_model_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const row = db.prepare("SELECT value FROM read_model_meta WHERE key = 'version'").get() as { value: string } | undefined;
    if (row && Number(row.value) !== READ_MODEL_VERSION) {
      for (const table of READ_MODEL_TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
    }
    const fresh = !row || Number(row.value) !== READ_MODEL_VERSION;
    db.exec(DDL);
    if (fresh) createQueryIndexes(db);
    db.prepare("INSERT INTO read_model_meta (key, value) VALUES ('version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
      .run(String(READ_MODEL_VERSION));
    db.prepare('INSERT INTO checkpoints (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING').run(PROJECTION_NAME);
  }).immediate();
}
