import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '@tongxin/event-store';
import { KEY_BYTES } from './seal';
import { requireSubject, SubjectErasedError, type SubjectKeyStore } from './subject-key-store';

/** Only this table: the vault file also holds other tables (access tokens) created by their own owners. */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS subject_keys (
    subject      TEXT PRIMARY KEY,
    key          BLOB,
    created_at   TEXT NOT NULL,
    destroyed_at TEXT
  ) WITHOUT ROWID;`;

interface KeyRow { subject: string; key: Buffer | null }

/**
 * The key store in a SQLite file: WAL with synchronous=FULL like the event store (a key is fsynced before the event
 * that uses it; a rollback journal cost ~17 ms per new key here against ~2 ms), secure_delete so a destroyed key's
 * bytes are overwritten with zeros in the pages. A WAL keeps the frames that held a key until a checkpoint copies the
 * zeroed page back and truncates it, so destroy checkpoints with TRUNCATE. What no database can promise is what the
 * file system or the disk keeps of blocks it has freed (copy-on-write, SSD remapping), or backups: keep the vault out
 * of the event store's backups and on an encrypted volume.
 */
export class SqliteKeyStore implements SubjectKeyStore {
  private readonly db: Database.Database;
  private readonly statements: {
    key: Database.Statement<[string], KeyRow>;
    create: Database.Statement<[string, Buffer, string]>;
    keys: Database.Statement<[string], KeyRow>;
    destroy: Database.Statement<[string, string]>;
    tombstone: Database.Statement<[string, string, string]>;
  };
  private closed = false;
  /** A destroyed key's frames may still be in -wal: a checkpoint was held off by a reader. */
  private walHoldsDestroyedKey = false;

  constructor(readonly path: string, options: { busyTimeoutMs?: number } = {}) {
    try {
      this.db = new Database(path);
      this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      this.db.pragma('secure_delete = ON');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.exec(SCHEMA);
      this.statements = {
        key: this.db.prepare('SELECT subject, key FROM subject_keys WHERE subject = ?'),
        create: this.db.prepare('INSERT INTO subject_keys (subject, key, created_at) VALUES (?, ?, ?) ON CONFLICT (subject) DO NOTHING'),
        keys: this.db.prepare('SELECT subject, key FROM subject_keys WHERE subject IN (SELECT value FROM json_each(?))'),
        destroy: this.db.prepare('UPDATE subject_keys SET key = NULL, destroyed_at = ? WHERE subject = ? AND key IS NOT NULL'),
        tombstone: this.db.prepare(
          'INSERT INTO subject_keys (subject, key, created_at, destroyed_at) VALUES (?, NULL, ?, ?) ON CONFLICT (subject) DO NOTHING'),
      };
    } catch (error) {
      this.db?.close();
      throw new StoreUnavailableError(`key store: cannot open ${path}: ${(error as Error).message}`, error);
    }
  }

  async keyFor(subject: string): Promise<Buffer> {
    requireSubject(subject);
    const row = this.run('keyFor', () => this.statements.key.get(subject) ?? this.db.transaction(() => {
      // IMMEDIATE: the write lock first, so two processes creating the same subject serialise instead of deadlocking.
      this.statements.create.run(subject, randomBytes(KEY_BYTES), new Date().toISOString());
      return this.statements.key.get(subject)!;
    }).immediate());
    if (row.key === null) throw new SubjectErasedError(subject);
    if (this.walHoldsDestroyedKey) this.truncateWal();
    return row.key;
  }

  async keysOf(subjects: readonly string[]): Promise<Map<string, Buffer | null>> {
    const keys = new Map<string, Buffer | null>();
    if (subjects.length === 0) return keys;
    const rows = this.run('keysOf', () => this.statements.keys.all(JSON.stringify([...new Set(subjects)])));
    for (const row of rows) keys.set(row.subject, row.key);
    return keys;
  }

  async destroy(subject: string): Promise<boolean> {
    requireSubject(subject);
    const destroyed = this.run('destroy', () => this.db.transaction(() => {
      const now = new Date().toISOString();
      if (this.statements.destroy.run(now, subject).changes > 0) return true;
      this.statements.tombstone.run(subject, now, now);
      return false;
    }).immediate());
    this.walHoldsDestroyedKey = true;
    this.truncateWal();
    return destroyed;
  }

  /**
   * Copies every frame back into the file and truncates -wal to nothing. It waits (busy timeout) for readers of older
   * snapshots; if one still holds it off, the next keyFor or close tries again. The key is destroyed either way.
   */
  private truncateWal(): void {
    try {
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (result?.busy === 0) this.walHoldsDestroyedKey = false;
    } catch {
      // SQLITE_BUSY from another writer: as when a reader holds it off, tried again later.
    }
  }

  async ping(): Promise<void> {
    this.run('ping', () => this.db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.walHoldsDestroyedKey) this.truncateWal();
    } finally {
      this.closed = true;
      this.db.close();
    }
  }

  private run<T>(doing: string, work: () => T): T {
    if (this.closed) throw new StoreUnavailableError('key store is closed');
    try {
      return work();
    } catch (error) {
      if (error instanceof SubjectErasedError || error instanceof TypeError) throw error;
      throw new StoreUnavailableError(`key store: ${doing} failed: ${(error as Error).message}`, error);
    }
  }
}
