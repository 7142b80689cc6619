import { randomBytes } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import { checkoutClient, isPostgresUnavailable, StoreUnavailableError } from '@tongxin/event-store';
import { KEY_BYTES } from './seal';
import { requireSubject, SubjectErasedError, type SubjectKeyStore } from './subject-key-store';

export const DEFAULT_VAULT_SCHEMA = 'tongxin_vault';
/** Unquoted identifiers only, as for the read model's schema: the name goes into DDL and search_path as is. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/**
 * Advisory lock (classid, objid) held while creating the vault's schema and tables: CREATE … IF NOT EXISTS alone races
 * on the catalog. Every table of the vault (the token vault's too) is created under this one lock.
 */
export const VAULT_SCHEMA_LOCK: [number, number] = [0x7478, 0x766b];

/**
 * The key store in a PostgreSQL schema (default `tongxin_vault`), shared by every API and worker process.
 *
 * What destroying a key can and cannot do here: the row's key is set to NULL (a tombstone stays, so the key is
 * never made again) and the table is vacuumed, so the old row version is no longer readable through SQL by anyone.
 * PostgreSQL cannot promise the bytes are gone from disk: until VACUUM prunes it the dead row version sits in the
 * heap page, and pruning marks its space free without zeroing it until reused; the write-ahead log keeps the key's
 * insert until its segment is recycled, and archived WAL, base backups and replicas keep it as long as they are
 * kept (on PostgreSQL 15 here, the table's file no longer held a destroyed key after the VACUUM and a checkpoint,
 * but nothing promises it). Keep the vault out of long-lived backups of the events (or in another database).
 */
export class PostgresKeyStore implements SubjectKeyStore {
  private closing: Promise<void> | undefined;

  private constructor(private readonly pool: Pool, readonly schema: string) {
    // An idle client losing its connection (server restart) must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
  }

  /** `postgres://…?schema=name`: the parameter names the schema (default tongxin_vault) and is not sent to the server. */
  static async open(url: string, options: { maxConnections?: number } = {}): Promise<PostgresKeyStore> {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? DEFAULT_VAULT_SCHEMA;
    if (!SCHEMA_NAME.test(schema)) throw new Error(`key store schema "${schema}" must match ${SCHEMA_NAME}`);
    parsed.searchParams.delete('schema');
    const pool = new Pool({ connectionString: parsed.toString(), max: options.maxConnections ?? 5, options: `-c search_path=${schema}` });
    const store = new PostgresKeyStore(pool, schema);
    try {
      await store.withClient('migrate', async (client) => {
        await client.query('BEGIN');
        try {
          await client.query('SELECT pg_advisory_xact_lock($1, $2)', VAULT_SCHEMA_LOCK);
          await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
          await client.query(`CREATE TABLE IF NOT EXISTS subject_keys (
            subject      text        PRIMARY KEY,
            key          bytea,
            created_at   timestamptz NOT NULL DEFAULT now(),
            destroyed_at timestamptz
          )`);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return store;
  }

  async keyFor(subject: string): Promise<Buffer> {
    requireSubject(subject);
    const key = await this.withClient('keyFor', async (client) => {
      const found = await client.query<{ key: Buffer | null }>('SELECT key FROM subject_keys WHERE subject = $1', [subject]);
      if (found.rowCount) return found.rows[0].key;
      // Autocommitted, so durable before it returns. A concurrent insert of the same subject makes this one wait for
      // it and do nothing; the SELECT after it (a new snapshot) then reads the winner's key.
      await client.query('INSERT INTO subject_keys (subject, key) VALUES ($1, $2) ON CONFLICT (subject) DO NOTHING',
        [subject, randomBytes(KEY_BYTES)]);
      return (await client.query<{ key: Buffer | null }>('SELECT key FROM subject_keys WHERE subject = $1', [subject])).rows[0].key;
    });
    if (key === null) throw new SubjectErasedError(subject);
    return key;
  }

  async keysOf(subjects: readonly string[]): Promise<Map<string, Buffer | null>> {
    const keys = new Map<string, Buffer | null>();
    if (subjects.length === 0) return keys;
    const { rows } = await this.withClient('keysOf', (client) => client.query<{ subject: string; key: Buffer | null }>(
      'SELECT subject, key FROM subject_keys WHERE subject = ANY($1::text[])', [[...new Set(subjects)]]));
    for (const row of rows) keys.set(row.subject, row.key);
    return keys;
  }

  async destroy(subject: string): Promise<boolean> {
    requireSubject(subject);
    return this.withClient('destroy', async (client) => {
      const updated = await client.query(
        'UPDATE subject_keys SET key = NULL, destroyed_at = now() WHERE subject = $1 AND key IS NOT NULL', [subject]);
      if (!updated.rowCount) {
        await client.query('INSERT INTO subject_keys (subject, key, destroyed_at) VALUES ($1, NULL, now()) ON CONFLICT (subject) DO NOTHING', [subject]);
        return false;
      }
      // Best effort (see the class comment): prunes the dead version holding the key, unless a transaction that
      // began before the UPDATE still sees it, or the role may not vacuum; the key is unreadable through SQL either way.
      await client.query('VACUUM subject_keys').catch(() => undefined);
      return true;
    });
  }

  async ping(): Promise<void> {
    await this.withClient('ping', (client) => client.query('SELECT 1'));
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }

  private async withClient<T>(doing: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    if (this.closing) throw new StoreUnavailableError('key store is closed');
    let client: PoolClient | undefined;
    try {
      client = await checkoutClient(this.pool);
      return await work(client);
    } catch (error) {
      if (!isPostgresUnavailable(error)) throw error;
      throw new StoreUnavailableError(`key store: ${doing} failed: ${(error as Error).message}`, error);
    } finally {
      client?.release();
    }
  }
}
