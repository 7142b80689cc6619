import type { Pool } from 'pg';
import type { AppendResult, IdempotencyRecord, RecordedEvent } from '../event-store';

interface EventRow {
  position: string;
  stream_id: string;
  revision: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: Date;
}

const COLUMNS = 'position, stream_id, revision, type, data, metadata, recorded_at';

/**
 * Which events a reader of the global log may see. Positions come from a sequence, so a later position can
 * commit before an earlier one; a reader that passed it would skip the earlier event for ever. Appends take
 * their xid and positions together under one lock (see appendInTransaction), so xid order is position order:
 * an event whose transaction is older than every transaction still open cannot be preceded by an event yet
 * to commit. Events of newer transactions wait until the oldest open transaction ends.
 */
const VISIBLE = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

/** The read side of the PostgreSQL store: one statement per call, each over committed data. */
export class PostgresReader {
  constructor(private readonly pool: Pool) {}

  async readStream(streamId: string, fromRevision: number): Promise<RecordedEvent[]> {
    // A stream's appends are serialised by its lock, so its committed events never have a hole to wait for.
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision`,
      [streamId, Math.max(0, fromRevision)],
    );
    return rows.map(toRecordedEvent);
  }

  async readAll(after: number, limit: number): Promise<RecordedEvent[]> {
    if (!(limit > 0)) return [];
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE position > $1 AND ${VISIBLE} ORDER BY position LIMIT $2`,
      [Math.max(0, Math.floor(after)), Math.floor(limit)],
    );
    return rows.map(toRecordedEvent);
  }

  async streamRevision(streamId: string): Promise<number> {
    const { rows } = await this.pool.query<{ revision: string }>('SELECT revision FROM streams WHERE stream_id = $1', [streamId]);
    return rows.length === 0 ? -1 : Number(rows[0].revision);
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>(
      `SELECT position FROM events WHERE ${VISIBLE} ORDER BY position DESC LIMIT 1`,
    );
    return rows.length === 0 ? 0 : Number(rows[0].position);
  }

  /**
   * recorded_at grows with position (both are taken under the append's position lock), so the newest
   * visible event at or before the cut, by the (recorded_at, position) index, is the answer.
   */
  async positionAt(cutIso: string): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>(
      `SELECT position FROM events WHERE recorded_at <= $1::timestamptz AND ${VISIBLE}
        ORDER BY recorded_at DESC, position DESC LIMIT 1`,
      [cutIso],
    );
    return rows.length === 0 ? 0 : Number(rows[0].position);
  }

  async idempotencyRecord(key: string): Promise<IdempotencyRecord | undefined> {
    const { rows } = await this.pool.query<{ key: string; fingerprint: string; response: string; result: string; created_at: Date }>(
      'SELECT key, fingerprint, response, result, created_at FROM idempotency_records WHERE key = $1',
      [key],
    );
    if (rows.length === 0) return undefined;
    const [row] = rows;
    return {
      key: row.key,
      fingerprint: row.fingerprint,
      response: JSON.parse(row.response) as Record<string, unknown>,
      result: JSON.parse(row.result) as AppendResult,
      createdAt: row.created_at.toISOString(),
    };
  }

  async uniqueKeyOwner(key: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ stream_id: string }>('SELECT stream_id FROM unique_keys WHERE key = $1', [key]);
    return rows[0]?.stream_id;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    position: Number(row.position),
    streamId: row.stream_id,
    revision: Number(row.revision),
    type: row.type,
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    // recorded_at is stored truncated to milliseconds, so a Date loses nothing.
    recordedAt: row.recorded_at.toISOString(),
  };
}
