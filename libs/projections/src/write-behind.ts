/** A row version held back by a WriteBehind: rowid 0 until written, and the event span it was known for. */
export interface PendingVersion {
  rowid: number;
  known_from_pos: number;
  known_from_at: number;
  known_until_pos: number | null;
  known_until_at: number | null;
}

/** Rows per multi-row INSERT: one call into better-sqlite3 and one statement run for 64 rows. */
export const WRITE_BEHIND_CHUNK = 64;
const CHUNK = WRITE_BEHIND_CHUNK;

/**
 * Where written rows go (a rebuild's writer thread, rebuild-ops.ts, into a table that was empty when the WriteBehind
 * was made): each call gets a fresh array of `count` rows' parameters, each row its rowid (assigned here, from 1 up),
 * its columns, then the four known_* ones.
 */
export type WriteBehindSink = (params: unknown[], count: number) => void;

/**
 * New row versions of one table, held in memory during a rebuild and written oldest-first in multi-row INSERTs.
 * Most versions change soon after they are opened (an hour entry verified or rejected, an activity corrected): a
 * change that reaches a row still held sets its fields, so the row is written once, already verified or closed,
 * instead of INSERT, UPDATE and, for a close, a partial-index entry added and removed again.
 *
 * Only for a rebuild: the rebuild is one transaction, and any failure rolls all of it back, so rows held across
 * pages are never half-written. Whoever reads the table must call `flush()` first; the owner finds held rows through
 * its own caches (or, rarely, `heldTagged`). Rows get their rowids here, in the order they are written.
 */
export class WriteBehind<R extends PendingVersion> {
  private rows: R[] = [];
  /** Each held row's tag (see `add`), at the same index: a scan of small integers instead of the rows themselves. */
  private tags: number[] = [];
  private head = 0;
  /** The next rowid to assign. */
  private nextRowid = 1;

  /**
   * `columns` are the table's columns before the four known_* ones, each a field of the row of the same name.
   * `limit` rows are held at most; `sink` takes the rows written.
   */
  constructor(
    private readonly sink: WriteBehindSink,
    private readonly columns: readonly (keyof R & string)[],
    private readonly limit: number,
  ) {}

  get size(): number {
    return this.rows.length - this.head;
  }

  /**
   * Holds `row` (opened at pos/at), writing the oldest chunk once `limit` rows are held. `tag`, a small integer, is what
   * `heldTagged` finds it by.
   */
  add(row: R, pos: number, at: number, tag = 0): void {
    row.rowid = 0;
    row.known_from_pos = pos;
    row.known_from_at = at;
    row.known_until_pos = null;
    row.known_until_at = null;
    this.rows.push(row);
    this.tags.push(tag);
    if (this.size >= this.limit + CHUNK) this.write(CHUNK);
  }

  /** The held rows added with `tag` that pass `test`, oldest first (a scan: for rare questions). */
  heldTagged(tag: number, test: (row: R) => boolean): R[] {
    const found: R[] = [];
    const tags = this.tags;
    for (let i = this.head; i < tags.length; i++) if (tags[i] === tag && test(this.rows[i])) found.push(this.rows[i]);
    return found;
  }

  /** Writes every held row. */
  flush(): void {
    while (this.size >= CHUNK) this.write(CHUNK);
    while (this.size > 0) this.writeOne();
    this.clear();
  }

  /** Drops every held row unwritten (the transaction they belonged to is rolling back). */
  clear(): void {
    this.rows = [];
    this.tags = [];
    this.head = 0;
  }

  private write(count: number): void {
    const width = this.columns.length + 5;
    // Filled in order from empty, so V8 keeps it a packed array, which postMessage copies faster than a holey one.
    const params: unknown[] = [];
    for (let i = 0; i < count; i++) {
      params[i * width] = this.nextRowid + i;
      this.bind(this.rows[this.head + i], params, i * width + 1);
    }
    this.sink(params, count);
    for (let i = 0; i < count; i++) this.rows[this.head + i].rowid = this.nextRowid++;
    this.head += count;
    // Drop the written prefix now and then, so the array does not grow with the log.
    if (this.head >= 4096 && this.head * 2 >= this.rows.length) {
      this.rows = this.rows.slice(this.head);
      this.tags = this.tags.slice(this.head);
      this.head = 0;
    }
  }

  private writeOne(): void {
    const row = this.rows[this.head];
    const params: unknown[] = [];
    params[0] = this.nextRowid;
    this.bind(row, params, 1);
    this.sink(params, 1);
    row.rowid = this.nextRowid++;
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
}
