import type { Pool } from 'pg';
import type { AppendResult, IdempotencyRecord, RecordedEvent } from '../event-store';

interface EventRow {
  position: string;
  stream_id: string;
  revision: string;
  type: string;
  data: string;
  metadata: string;
  /** 'YYYY-MM-DD HH:MM:SS[.fff]' in UTC: see EVENT_TYPES. */
  recorded_at: string;
}

/**
 * Exactly what a RecordedEvent needs. recorded_at goes out as a UTC timestamp (no zone) and is turned into
 * ISO text by string surgery (isoFromUtc): the driver's timestamp parser, a Date and toISOString cost more
 * per event than the rest of the row bar JSON.parse, and a replay reads every event.
 */
const COLUMNS = `position, stream_id, revision, type, data, metadata, recorded_at AT TIME ZONE 'UTC' AS recorded_at`;

/** Leaves every column as the server's text; the mapping below converts the few that are not strings. */
const EVENT_TYPES = { getTypeParser: () => (value: string) => value };

/**
 * Which events a reader of the global log may see. Positions come from a sequence, so a later position can
 * commit before an earlier one; a reader that passed it would skip the earlier event for ever. Appends take
 * their xid and positions together under one lock (see appendStatement), so xid order is position order:
 * an event whose transaction is older than every transaction still open cannot be preceded by an event yet
 * to commit. Events of newer transactions wait until the oldest open transaction ends. A sub-select, so the
 * bound is computed once per statement (an InitPlan) rather than once per row scanned.
 */
const VISIBLE = 'transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))';

/**
 * The horizon is the whole server's: a transaction holding an xid in any database (another ledger's append, a
 * projection batch, an ANALYZE) holds back events committed after it began. Reads that would stop short of what
 * has committed wait up to this long for the horizon to pass it, so a reader that has just seen an append
 * acknowledged normally reads it; past the wait they answer what is safe, never more.
 */
const HORIZON_WAIT_MS = 2_000;
const HORIZON_POLL_MS = 2;

/** The read side of the PostgreSQL store: one statement per call, each over committed data. */
export class PostgresReader {
  constructor(private readonly pool: Pool) {}

  async readStream(streamId: string, fromRevision: number): Promise<RecordedEvent[]> {
    // A stream's appends are serialised by its lock, so its committed events never have a hole to wait for.
    const { rows } = await this.pool.query<EventRow>({
      name: 'event_store_read_stream',
      text: `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision`,
      values: [streamId, Math.max(0, fromRevision)],
      types: EVENT_TYPES,
    });
    return rows.map(toRecordedEvent);
  }

  async readAll(after: number, limit: number): Promise<RecordedEvent[]> {
    if (!(limit > 0)) return [];
    const page = await this.page(after, limit);
    // A full page: the caller comes back for more anyway. A short one may end below the horizon.
    if (page.length === limit) return page;
    const last = page.length === 0 ? after : page[page.length - 1].position;
    return (await this.awaitHorizon(last)) ? this.page(after, limit) : page;
  }

  private async page(after: number, limit: number): Promise<RecordedEvent[]> {
    // One statement per page, prepared once per connection: a replay runs it a hundred times per million events.
    const { rows } = await this.pool.query<EventRow>({
      name: 'event_store_read_all',
      text: `SELECT ${COLUMNS} FROM events WHERE position > $1 AND ${VISIBLE} ORDER BY position LIMIT $2`,
      values: [Math.max(0, Math.floor(after)), Math.floor(limit)],
      types: EVENT_TYPES,
    });
    return rows.map(toRecordedEvent);
  }

  /**
   * When events above `safe` have committed but the horizon has not passed them yet, waits (HORIZON_WAIT_MS at
   * most) until it does. True when more became readable.
   */
  private async awaitHorizon(safe: number): Promise<boolean> {
    const committed = await this.committedHead();
    if (committed <= safe) return false;
    const deadline = Date.now() + HORIZON_WAIT_MS;
    let visible = await this.visibleHead();
    while (visible < committed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, HORIZON_POLL_MS));
      visible = await this.visibleHead();
    }
    return visible > safe;
  }

  private async committedHead(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string | null }>('SELECT max(position) AS position FROM events');
    return rows[0].position === null ? 0 : Number(rows[0].position);
  }

  private async visibleHead(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>(
      `SELECT position FROM events WHERE ${VISIBLE} ORDER BY position DESC LIMIT 1`,
    );
    return rows.length === 0 ? 0 : Number(rows[0].position);
  }

  async streamRevision(streamId: string): Promise<number> {
    const { rows } = await this.pool.query<{ revision: string }>('SELECT revision FROM streams WHERE stream_id = $1', [streamId]);
    return rows.length === 0 ? -1 : Number(rows[0].revision);
  }

  async headPosition(): Promise<number> {
    const visible = await this.visibleHead();
    return (await this.awaitHorizon(visible)) ? this.visibleHead() : visible;
  }

  /**
   * recorded_at grows with position (both are taken under the append's position lock), so the newest
   * visible event at or before the cut, by the (recorded_at, position) index, is the answer.
   */
  async positionAt(cutIso: string): Promise<number> {
    await this.awaitHorizon(await this.visibleHead());
    const { rows } = await this.pool.query<{ position: string }>(
      `SELECT position FROM events WHERE recorded_at <= $1::timestamptz AND ${VISIBLE}
        ORDER BY recorded_at DESC, position DESC LIMIT 1`,
      [cutIso],
    );
    return rows.length === 0 ? 0 : Number(rows[0].position);
  }

  async idempotencyRecord(key: string): Promise<IdempotencyRecord | undefined> {
    const { rows } = await this.pool.query<IdempotencyRow>(
      'SELECT key, fingerprint, response, result, created_at FROM idempotency_records WHERE key = $1',
      [key],
    );
    return rows.length === 0 ? undefined : toIdempotencyRecord(rows[0]);
  }

  /**
   * Records whose append's last event lies after `after`, by that position. A record commits with its events, so
   * one seen here belongs to an append that has committed; the export reads its events up to a head it fixed first.
   */
  async idempotencyRecords(after: number, limit: number): Promise<IdempotencyRecord[]> {
    if (!(limit > 0)) return [];
    const { rows } = await this.pool.query<IdempotencyRow>({
      name: 'event_store_idempotency_records',
      text: `SELECT key, fingerprint, response, result, created_at FROM idempotency_records
              WHERE (result::json ->> 'position')::bigint > $1 ORDER BY (result::json ->> 'position')::bigint LIMIT $2`,
      values: [Math.max(0, after), Math.floor(limit)],
    });
    return rows.map(toIdempotencyRecord);
  }

  async uniqueKeyOwner(key: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ stream_id: string }>('SELECT stream_id FROM unique_keys WHERE key = $1', [key]);
    return rows[0]?.stream_id;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}

interface IdempotencyRow { key: string; fingerprint: string; response: string; result: string; created_at: Date }

function toIdempotencyRecord(row: IdempotencyRow): IdempotencyRecord {
  return {
    key: row.key,
    fingerprint: row.fingerprint,
    response: JSON.parse(row.response) as Record<string, unknown>,
    result: JSON.parse(row.result) as AppendResult,
    createdAt: row.created_at.toISOString(),
  };
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    position: Number(row.position),
    streamId: row.stream_id,
    revision: Number(row.revision),
    type: row.type,
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    recordedAt: isoFromUtc(row.recorded_at),
  };
}

/**
 * The server's text of a UTC timestamp (DateStyle ISO, which the driver itself assumes) as ISO 8601 with
 * milliseconds: '2026-05-01 10:00:00.12' becomes '2026-05-01T10:00:00.120Z'. recorded_at is stored truncated
 * to milliseconds, so nothing is lost; anything of another shape goes through Date.
 */
export function isoFromUtc(text: string): string {
  if (text.length === 19) return `${text.slice(0, 10)}T${text.slice(11)}.000Z`;
  if (text.length > 20 && text.length <= 23 && text[19] === '.') return `${text.slice(0, 10)}T${text.slice(11, 19)}.${text.slice(20).padEnd(3, '0')}Z`;
  return new Date(`${text.replace(' ', 'T')}Z`).toISOString();
}
