import Database from 'better-sqlite3';
import { hash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Pool } from 'pg';
import type { Role } from '@tongxin/domain';
import { checkoutClient, isPostgresUnavailable, isPostgresUrl, StoreUnavailableError } from '@tongxin/event-store';
import { DEFAULT_VAULT_SCHEMA, VAULT_SCHEMA_LOCK } from '@tongxin/privacy';

/** A token as the vault keeps it: everything but the secret, which is kept only as its SHA-256. */
export interface StoredToken {
  id: string;
  name: string;
  role: Role;
  /** Root of the token's scope; null only for an admin over the whole ledger. */
  orgUnitId: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

/**
 * Where token hashes live: apart from the event log (the log records who was given which role, never a secret
 * or its hash), in the vault — a SQLite file beside the embedded store, or a schema of the PostgreSQL database.
 * Every request asks it, so a revocation takes effect on the next request in every process.
 */
export interface TokenVault {
  /** Fails if the id is taken. */
  add(token: Omit<StoredToken, 'revokedAt' | 'revokedBy'>, secret: string): Promise<void>;
  /** The token whose secret this is, if it is known and not revoked. */
  authenticate(secret: string): Promise<StoredToken | undefined>;
  get(id: string): Promise<StoredToken | undefined>;
  /** Every token, revoked ones included, oldest first. */
  list(): Promise<StoredToken[]>;
  /** False when the token is unknown or was already revoked (its first revocation stands). */
  revoke(id: string, by: string, at: string): Promise<boolean>;
  close(): Promise<void>;
}

/** A new secret: 32 random bytes, prefixed so it is recognisable in a leaked config file or a scanner's rules. */
export function newTokenSecret(): string {
  return `tx_${randomBytes(32).toString('base64url')}`;
}

/** One-shot SHA-256 (crypto.hash): it runs on every request. Secrets are random, so no salt or slow hash is needed. */
export function hashTokenSecret(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A SQLite file path, or a `postgres://` URL whose `schema` parameter names the vault's schema (default tongxin_vault). */
export async function openTokenVault(location: string): Promise<TokenVault> {
  return isPostgresUrl(location) ? PostgresTokenVault.open(location) : new SqliteTokenVault(location);
}

const COLUMNS = 'id, name, role, org_unit_id, created_at, created_by, revoked_at, revoked_by';

interface TokenRow {
  id: string; name: string; role: Role; org_unit_id: string | null; created_at: string; created_by: string;
  revoked_at: string | null; revoked_by: string | null;
}

function fromRow(row: TokenRow): StoredToken {
  return {
    id: row.id, name: row.name, role: row.role, orgUnitId: row.org_unit_id, createdAt: row.created_at,
    createdBy: row.created_by, revokedAt: row.revoked_at, revokedBy: row.revoked_by,
  };
}

class SqliteTokenVault implements TokenVault {
  private readonly db: Database.Database;
  private readonly statements: Record<'insert' | 'bySecret' | 'byId' | 'all' | 'revoke', Database.Statement>;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // The key store opens the same file: whichever switches it to WAL first, the other waits rather than fails.
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS access_tokens (
      id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, org_unit_id TEXT,
      secret_sha256 BLOB NOT NULL UNIQUE, created_at TEXT NOT NULL, created_by TEXT NOT NULL,
      revoked_at TEXT, revoked_by TEXT)`);
    this.statements = {
      insert: this.db.prepare(`INSERT INTO access_tokens (id, name, role, org_unit_id, secret_sha256, created_at, created_by)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      bySecret: this.db.prepare(`SELECT ${COLUMNS} FROM access_tokens WHERE secret_sha256 = ? AND revoked_at IS NULL`),
      byId: this.db.prepare(`SELECT ${COLUMNS} FROM access_tokens WHERE id = ?`),
      all: this.db.prepare(`SELECT ${COLUMNS} FROM access_tokens ORDER BY created_at, id`),
      revoke: this.db.prepare('UPDATE access_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL'),
    };
  }

  async add(t: Omit<StoredToken, 'revokedAt' | 'revokedBy'>, secret: string): Promise<void> {
    this.statements.insert.run(t.id, t.name, t.role, t.orgUnitId, hashTokenSecret(secret), t.createdAt, t.createdBy);
  }

  async authenticate(secret: string): Promise<StoredToken | undefined> {
    const row = this.statements.bySecret.get(hashTokenSecret(secret)) as TokenRow | undefined;
    return row && fromRow(row);
  }

  async get(id: string): Promise<StoredToken | undefined> {
    const row = this.statements.byId.get(id) as TokenRow | undefined;
    return row && fromRow(row);
  }

  async list(): Promise<StoredToken[]> {
    return (this.statements.all.all() as TokenRow[]).map(fromRow);
  }

  async revoke(id: string, by: string, at: string): Promise<boolean> {
    return this.statements.revoke.run(at, by, id).changes === 1;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function unavailable(error: unknown): unknown {
  return isPostgresUnavailable(error) ? new StoreUnavailableError('the vault (PostgreSQL) does not answer', error) : error;
}

class PostgresTokenVault implements TokenVault {
  private constructor(private readonly pool: Pool) {}

  static async open(url: string): Promise<PostgresTokenVault> {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? DEFAULT_VAULT_SCHEMA;
    if (!SCHEMA_NAME.test(schema)) throw new Error(`vault schema "${schema}" must match ${SCHEMA_NAME}`);
    parsed.searchParams.delete('schema');
    const pool = new Pool({ connectionString: parsed.toString(), max: 4, options: `-c search_path=${schema}` });
    // An idle client's dead connection is reported on the pool; the next query fails and says so instead.
    pool.on('error', () => undefined);
    const vault = new PostgresTokenVault(pool);
    try {
      await vault.run(async (client) => {
        await client.query('BEGIN');
        // Two processes starting at once must not both create the schema (CREATE … IF NOT EXISTS races in PostgreSQL).
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', VAULT_SCHEMA_LOCK);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await client.query(`CREATE TABLE IF NOT EXISTS access_tokens (
          id text PRIMARY KEY, name text NOT NULL, role text NOT NULL, org_unit_id text,
          secret_sha256 bytea NOT NULL UNIQUE, created_at text NOT NULL, created_by text NOT NULL,
          revoked_at text, revoked_by text)`);
        await client.query('COMMIT');
      });
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return vault;
  }

  async add(t: Omit<StoredToken, 'revokedAt' | 'revokedBy'>, secret: string): Promise<void> {
    await this.query(`INSERT INTO access_tokens (id, name, role, org_unit_id, secret_sha256, created_at, created_by)
      VALUES ($1, $2, $3, $4, $5, $6, $7)`, [t.id, t.name, t.role, t.orgUnitId, hashTokenSecret(secret), t.createdAt, t.createdBy]);
  }

  async authenticate(secret: string): Promise<StoredToken | undefined> {
    const rows = await this.query(`SELECT ${COLUMNS} FROM access_tokens WHERE secret_sha256 = $1 AND revoked_at IS NULL`, [hashTokenSecret(secret)]);
    return rows[0] && fromRow(rows[0]);
  }

  async get(id: string): Promise<StoredToken | undefined> {
    const rows = await this.query(`SELECT ${COLUMNS} FROM access_tokens WHERE id = $1`, [id]);
    return rows[0] && fromRow(rows[0]);
  }

  async list(): Promise<StoredToken[]> {
    return (await this.query(`SELECT ${COLUMNS} FROM access_tokens ORDER BY created_at, id`, [])).map(fromRow);
  }

  async revoke(id: string, by: string, at: string): Promise<boolean> {
    return (await this.run((client) => client.query('UPDATE access_tokens SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL', [at, by, id]))).rowCount === 1;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async query(sql: string, params: unknown[]): Promise<TokenRow[]> {
    return (await this.run((client) => client.query<TokenRow>(sql, params))).rows;
  }

  /** A vault that does not answer is a 503 for the caller, never a 500: no request can be authorised without it. */
  private async run<T>(work: (client: import('pg').PoolClient) => Promise<T>): Promise<T> {
    let client;
    try {
      client = await checkoutClient(this.pool);
    } catch (error) {
      throw unavailable(error);
    }
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (error) {
      // Released with the error, the client is dropped rather than reused mid-transaction.
      client.release(error as Error);
      throw unavailable(error);
    }
  }
}
