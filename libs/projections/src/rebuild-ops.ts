import type Database from 'better-sqlite3';
import { createLookupIndexes } from './schema';
import { prepareStatements, type Statements } from './statements';
import { WRITE_BEHIND_CHUNK } from './write-behind';

/**
 * The writes of a SQLite rebuild, as the main thread's fold decides them (rebuild-fact-store.ts) and the rebuild
 * thread runs them (RebuildWrites), in order. A page of them is one flat array of primitives and row parameters, with
 * no property names to copy: `[op, ...arguments, op, ...]`. Taking in the parsed events cost the rebuild thread ~10%.
 */
export const RebuildOp = {
  /** table, count, params (count rows: rowid, the table's columns, then the four known_* ones). */
  Rows: 1,
  /** statement, params: one row through the model's own INSERT (ON CONFLICT rules included). */
  Row: 2,
  /** rowid, pos, at: an hour version already written ends. */
  CloseHours: 3,
  /** rowid, pos, at: likewise for an activity version. */
  CloseActivity: 4,
  /**
   * activity_pos, activity_id, campaign_id, pos, at: the activity's written open hours re-versioned to a campaign, each
   * new version at movedRowid(its old one's).
   */
  MoveHours: 5,
  /** rowid, pos, at: an hour version already written is verified. */
  VerifyHours: 6,
} as const;

/**
 * The rowid of the version a campaign move writes for the version at `rowid`. The fold assigns every other rowid, from 1
 * up (write-behind.ts), and so knows these without asking; no two versions share one (the fold's stay below 2^40, a
 * version moved k times sits at -(its first rowid + k × 2^40)). Negative, so the fold's rows still land at the right
 * edge of the table, where SQLite appends to full pages.
 */
export function movedRowid(rowid: number): number {
  return -(Math.abs(rowid) + 2 ** 40);
}

/** Row versions held back and written in chunks (write-behind.ts), by their column lists. */
export const VERSION_TABLES = {
  activity_versions: ['activity_key', 'activity_id', 'recorded_pos', 'org_path', 'campaign_id', 'category', 'venue_type',
    'occurred_on', 'participants', 'beneficiaries', 'materials_distributed'],
  hour_versions: ['entry_key', 'activity_pos', 'volunteer_id', 'entry_id', 'activity_id', 'org_path', 'campaign_id', 'served_on',
    'minutes', 'verified_pos', 'verified_at'],
} as const;
export type VersionTable = keyof typeof VERSION_TABLES;
const TABLE_IDS: readonly VersionTable[] = ['activity_versions', 'hour_versions'];
export const tableId = (table: VersionTable): number => TABLE_IDS.indexOf(table);

/** The single-row inserts a rebuild sends, by index (the model's prepared statements of the same name). */
export const ROW_STATEMENTS = ['insertDonation', 'insertRefund', 'insertDisbursement', 'registerOrgUnit', 'registerCampaign',
  'registerVolunteer', 'lockPeriod', 'insertChange', 'insertGoodsValuation', 'insertDistribution', 'insertDistributionItem'] as const satisfies readonly (keyof Statements)[];
export type RowStatement = (typeof ROW_STATEMENTS)[number];
export const rowStatementId = (name: RowStatement): number => ROW_STATEMENTS.indexOf(name);

/** What the main thread's fold asks when its caches miss; answered after every write sent before it. */
export type RebuildLookup =
  | { kind: 'openHours'; entryKey: number; volunteerId: string; entryId: string }
  | { kind: 'openActivity'; activityKey: number; activityId: string }
  | { kind: 'activityLink'; activityKey: number; activityId: string }
  | { kind: 'periodLocks' };

/** Runs pages of RebuildOp on the rebuild's connection, inside its transaction, and answers lookups. */
export class RebuildWrites {
  private readonly sql: Statements;
  private readonly rows: { chunk: Database.Statement; single: Database.Statement }[];
  private readonly singles: Database.Statement[];
  private readonly insertMoved: Database.Statement;
  /** The lookup indexes (dropped for the rebuild) exist: built at the first lookup, else at the commit. */
  private lookupIndexes = false;

  constructor(private readonly db: Database.Database) {
    this.sql = prepareStatements(db);
    this.rows = TABLE_IDS.map((table) => {
      const columns = ['rowid', ...VERSION_TABLES[table], 'known_from_pos', 'known_from_at', 'known_until_pos', 'known_until_at'];
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      // OR FAIL: a statement inserting several rows that could abort half-way keeps a statement journal to undo its
      // first rows, written for every page it changes (several times the cost of the rows). OR FAIL keeps them
      // instead, which changes nothing here: any error rolls the whole rebuild back.
      const insert = `INSERT OR FAIL INTO ${table} (${columns.join(', ')}) VALUES `;
      return { chunk: db.prepare(insert + Array.from({ length: WRITE_BEHIND_CHUNK }, () => tuple).join(', ')), single: db.prepare(insert + tuple) };
    });
    this.singles = ROW_STATEMENTS.map((name) => this.sql[name]);
    const hours = ['rowid', ...VERSION_TABLES.hour_versions, 'known_from_pos', 'known_from_at'];
    this.insertMoved = db.prepare(`INSERT INTO hour_versions (${hours.join(', ')}) VALUES (${hours.map(() => '?').join(', ')})`);
  }

  apply(ops: readonly unknown[]): void {
    let i = 0;
    while (i < ops.length) {
      switch (ops[i]) {
        case RebuildOp.Rows: {
          const statements = this.rows[ops[i + 1] as number];
          // Spread, not the array: better-sqlite3 reads an array's elements one by one through the V8 API (~25% of a
          // chunk's insert), the arguments of the call directly.
          (ops[i + 2] === WRITE_BEHIND_CHUNK ? statements.chunk : statements.single).run(...(ops[i + 3] as unknown[]));
          i += 4;
          break;
        }
        case RebuildOp.Row:
          this.singles[ops[i + 1] as number].run(...(ops[i + 2] as unknown[]));
          i += 3;
          break;
        case RebuildOp.CloseHours:
          this.sql.closeHourRow.run(ops[i + 2], ops[i + 3], ops[i + 1]);
          i += 4;
          break;
        case RebuildOp.CloseActivity:
          this.sql.closeActivityRow.run(ops[i + 2], ops[i + 3], ops[i + 1]);
          i += 4;
          break;
        case RebuildOp.VerifyHours:
          this.sql.verifyHourRow.run(ops[i + 2], ops[i + 3], ops[i + 1]);
          i += 4;
          break;
        case RebuildOp.MoveHours:
          this.moveHours(ops[i + 1] as number, ops[i + 2] as string, ops[i + 3] as string | null, ops[i + 4] as number, ops[i + 5] as number);
          i += 6;
          break;
        default:
          throw new Error(`rebuild: unknown write ${String(ops[i])} at ${i}`);
      }
    }
  }

  lookup(query: RebuildLookup): unknown {
    if (!this.lookupIndexes && query.kind !== 'periodLocks') this.buildLookupIndexes();
    switch (query.kind) {
      case 'openHours':
        return this.sql.selectOpenHours.get(query.entryKey, query.volunteerId, query.entryId);
      case 'openActivity':
        return this.sql.selectOpenActivity.get(query.activityKey, query.activityId);
      case 'activityLink':
        return this.sql.selectActivityLink.get(query.activityKey, query.activityId);
      case 'periodLocks':
        return this.sql.selectPeriodLocks.all();
    }
  }

  /** The final checkpoint, written with the rows (the rebuild reset it to 0 when it emptied the model). */
  moveCheckpoint(position: number, projection: string): void {
    if (this.sql.moveCheckpoint.run(position, projection, 0).changes !== 1) throw new Error(`checkpoint ${projection} moved under a rebuild`);
  }

  /** Builds the lookup indexes if a lookup has not already (idempotent). */
  buildLookupIndexes(): void {
    createLookupIndexes(this.db);
    this.lookupIndexes = true;
  }

  private moveHours(activityPos: number, activityId: string, campaignId: string | null, pos: number, at: number): void {
    for (const e of this.sql.selectOpenHoursOfActivity.all(activityPos, activityId) as ({ rowid: number } & Record<string, unknown>)[]) {
      this.sql.closeHourRow.run(pos, at, e.rowid);
      this.insertMoved.run(movedRowid(e.rowid), e.entry_key, e.activity_pos, e.volunteer_id, e.entry_id, e.activity_id,
        e.org_path, campaignId, e.served_on, e.minutes, e.verified_pos, e.verified_at, pos, at);
    }
  }
}
