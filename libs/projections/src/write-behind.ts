import type Database from 'better-sqlite3';

/** A row version held back by a WriteBehind: rowid 0 until written, and the event span it was known for. */
export interface PendingVersion {
  rowid: number;
  known_from_pos: number;
  known_from_at: number;
  known_until_pos: number | null;
  known_until_at: number | null;
}

/** Rows per multi-row INSERT: one call into better-sqlite3 and one statement run for 64 rows. */
const CHUNK = 64;

/**
 * New row versions of one table, held in memory during a rebuild and written oldest-first in multi-row INSERTs.
 * Most versions are closed soon after they are opened (an hour entry verified, an activity corrected): a close
 * that reaches a row still held sets its known_until fields, so the row is written once, already closed, instead
 * of INSERT, UPDATE and a partial-index entry added and removed again.
 *
 * Only for a rebuild: the rebuild is one transaction, and any failure rolls all of it back, so rows held across
 * batches (savepoints) are never half-written. Whoever reads the table must call `flush()` first; the owner
 * finds held rows through its own caches. Rowids of a multi-row INSERT are consecutive (no other writer holds
 * the lock, the table has no AUTOINCREMENT), so each row learns its rowid from the statement's last one.
 */
export class WriteBehind<R extends PendingVersion> {
  private rows: R[] = [];
  private head = 0;
  private readonly chunk: Database.Statement;
  private readonly single: Database.Statement;
  private readonly params: unknown[];

  /**
   * `columns` are the table's columns before the four known_* ones, each a field of the row of the same name.
   * `limit` rows are held at most; `written` hears of each row once it has its rowid.
   */
  constructor(
    db: Database.Database,
    table: string,
    private readonly columns: readonly (keyof R & string)[],
    private readonly limit: number,
    private readonly written: (row: R) => void = () => undefined,
  ) {
    const all = [...columns, 'known_from_pos', 'known_from_at', 'known_until_pos', 'known_until_at'];
    const tuple = `(${all.map(() => '?').join(', ')})`;
    // OR FAIL: a statement inserting several rows that could abort half-way keeps a statement journal to undo its first
    // rows, written for every page it changes (several times the cost of the rows, measured with the lookup indexes in
    // place). OR FAIL keeps them instead, which changes nothing here: any error rolls the whole rebuild back.
    const insert = `INSERT OR FAIL INTO ${table} (${all.join(', ')}) VALUES `;
    this.chunk = db.prepare(insert + Array.from({ length: CHUNK }, () => tuple).join(', '));
    this.single = db.prepare(insert + tuple);
    this.params = new Array(CHUNK * all.length);
  }

  get size(): number {
    return this.rows.length - this.head;
  }

  /** Holds `row` (opened at pos/at), writing the oldest chunk once `limit` rows are held. */
  add(row: R, pos: number, at: number): void {
    row.rowid = 0;
    row.known_from_pos = pos;
    row.known_from_at = at;
    row.known_until_pos = null;
    row.known_until_at = null;
    this.rows.push(row);
    if (this.size >= this.limit + CHUNK) this.write(CHUNK);
  }

  /** Writes every held row. */
  flush(): void {
    while (this.size >= CHUNK) this.write(CHUNK);
    while (this.size > 0) this.writeOne();
    this.rows = [];
    this.head = 0;
  }

  /** Drops every held row unwritten (the transaction they belonged to is rolling back). */
  clear(): void {
    this.rows = [];
    this.head = 0;
  }

  private write(count: number): void {
    const params = this.params;
    const width = this.columns.length + 4;
    for (let i = 0; i < count; i++) this.bind(this.rows[this.head + i], params, i * width);
    const last = Number(this.chunk.run(params).lastInsertRowid);
    for (let i = 0; i < count; i++) this.done(this.rows[this.head + i], last - count + 1 + i);
    this.head += count;
    // Drop the written prefix now and then, so the array does not grow with the log.
    if (this.head >= 4096 && this.head * 2 >= this.rows.length) {
      this.rows = this.rows.slice(this.head);
      this.head = 0;
    }
  }

  private writeOne(): void {
    const row = this.rows[this.head];
    const params: unknown[] = new Array(this.columns.length + 4);
    this.bind(row, params, 0);
    this.done(row, Number(this.single.run(params).lastInsertRowid));
    this.head += 1;
  }

  private bind(row: R, out: unknown[], at: number): void {
    const columns = this.columns;
    for (let k = 0; k < columns.length; k++) out[at + k] = row[columns[k]];
    const n = at + columns.length;
    out[n] = row.known_from_pos;
    out[n + 1] = row.known_from_at;
    out[n + 2] = row.known_until_pos;
    out[n + 3] = row.known_until_at;
  }

  private done(row: R, rowid: number): void {
    row.rowid = rowid;
    this.written(row);
  }
}
