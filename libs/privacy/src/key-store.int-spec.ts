import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@tongxin/event-store/testing';
import { openKeyStore } from './open-key-store';
import { SqliteKeyStore } from './sqlite-key-store';
import { SubjectErasedError, type SubjectKeyStore } from './subject-key-store';
import { filesContaining, sqliteFiles } from './testing/raw-bytes';

/** What every key store does, whatever holds it. `open` opens another connection (another process's) to the same vault. */
function describeKeyStore(name: string, open: () => Promise<SubjectKeyStore>) {
  describe(`${name} key store`, () => {
    let keys: SubjectKeyStore;
    let other: SubjectKeyStore;
    let n = 0;
    const subject = () => `volunteer:${name}-${process.pid}-${++n}`;
    beforeEach(async () => {
      keys = await open();
      other = await open();
    });
    afterEach(async () => {
      await keys.close();
      await other.close();
    });

    it('creates a 32-byte key once and gives it back to every connection', async () => {
      const s = subject();
      const key = await keys.keyFor(s);
      expect(key).toHaveLength(32);
      expect(await keys.keyFor(s)).toEqual(key);
      expect(await other.keyFor(s)).toEqual(key);
      expect(await keys.keyFor(subject())).not.toEqual(key);
    });

    it('ends with one key when two connections create the same subject at once', async () => {
      for (let round = 0; round < 10; round++) {
        const s = subject();
        const created = await Promise.all([keys.keyFor(s), other.keyFor(s), keys.keyFor(s), other.keyFor(s)]);
        for (const key of created) expect(key).toEqual(created[0]);
        expect((await other.keysOf([s])).get(s)).toEqual(created[0]);
      }
    });

    it('looks many subjects up at once: live keys, destroyed ones as null, unknown ones absent', async () => {
      const [live, destroyed, unknown] = [subject(), subject(), subject()];
      const liveKey = await keys.keyFor(live);
      await keys.keyFor(destroyed);
      await keys.destroy(destroyed);
      const found = await other.keysOf([live, destroyed, unknown, live]);
      expect([...found.entries()].sort()).toEqual([[destroyed, null], [live, liveKey]].sort());
      expect((await keys.keysOf([])).size).toBe(0);
    });

    it('destroys a key for good: never created again, and a second destroy finds nothing', async () => {
      const s = subject();
      await keys.keyFor(s);
      expect(await keys.destroy(s)).toBe(true);
      await expect(other.keyFor(s)).rejects.toThrow(SubjectErasedError);
      await expect(keys.keyFor(s)).rejects.toThrow(SubjectErasedError);
      expect(await keys.destroy(s)).toBe(false);
      expect((await other.keysOf([s])).get(s)).toBeNull();
    });

    it('keeps a tombstone for a subject erased before it had a key', async () => {
      const s = subject();
      expect(await keys.destroy(s)).toBe(false);
      await expect(other.keyFor(s)).rejects.toThrow(SubjectErasedError);
      expect((await keys.keysOf([s])).get(s)).toBeNull();
    });

    it('refuses an empty subject and answers ping', async () => {
      await expect(keys.keyFor('')).rejects.toThrow(TypeError);
      await expect(keys.ping()).resolves.toBeUndefined();
    });
  });
}

describe('SQLite key store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongxin-vault-'));
  const vault = join(dir, 'tongxin-vault.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describeKeyStore('sqlite', () => openKeyStore(vault));

  it('leaves no byte of a destroyed key in the file or its -wal (secure_delete, then a truncating checkpoint)', async () => {
    const keys = await openKeyStore(vault);
    try {
      const key = await keys.keyFor('volunteer:raw-1');
      const kept = await keys.keyFor('volunteer:raw-2');
      expect(filesContaining(sqliteFiles(vault), key).length).toBeGreaterThan(0);
      await keys.destroy('volunteer:raw-1');
      expect(filesContaining(sqliteFiles(vault), key)).toEqual([]);
      expect(filesContaining(sqliteFiles(vault), kept)).toEqual([vault]);
    } finally {
      await keys.close();
    }
  });

  it('ends with one key per subject when two processes create the same subjects at once', async () => {
    const subjects = Array.from({ length: 40 }, (_, index) => `donor:race-${index}`);
    const root = join(__dirname, '..', '..', '..');
    const startAt = String(Date.now() + 4000);
    const run = () => promisify(execFile)(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'testing', 'key-for-child.ts'), vault, startAt, ...subjects], {
      cwd: root, env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json') },
    });
    const [first, second] = (await Promise.all([run(), run()])).map(({ stdout }) => JSON.parse(stdout) as Record<string, string>);
    expect(second).toEqual(first);
    const keys = await openKeyStore(vault);
    try {
      const stored = await keys.keysOf(subjects);
      expect(Object.fromEntries([...stored].map(([subject, key]) => [subject, key!.toString('hex')]))).toEqual(first);
    } finally {
      await keys.close();
    }
  }, 30_000);

  it('gets a destroyed key out of -wal once a reader that held the checkpoint off has finished', async () => {
    const shared = join(dir, 'shared-vault.db');
    const keys = new SqliteKeyStore(shared, { busyTimeoutMs: 50 });
    // Another table's owner in the same file (the access tokens), in the middle of a read.
    const neighbour = new Database(shared);
    neighbour.exec('CREATE TABLE IF NOT EXISTS neighbours (id TEXT PRIMARY KEY)');
    try {
      const key = await keys.keyFor('volunteer:held-1');
      neighbour.exec('BEGIN');
      neighbour.prepare('SELECT count(*) FROM subject_keys').get();
      expect(await keys.destroy('volunteer:held-1')).toBe(true);
      expect((await keys.keysOf(['volunteer:held-1'])).get('volunteer:held-1')).toBeNull();
      expect(filesContaining(sqliteFiles(shared), key)).toEqual([`${shared}-wal`]);
      neighbour.exec('COMMIT');
      await keys.keyFor('volunteer:held-2');
      expect(filesContaining(sqliteFiles(shared), key)).toEqual([]);
    } finally {
      await keys.close();
      neighbour.close();
    }
  });
});

const serverUrl = process.env.POSTGRES_URL;
if (!serverUrl) {
  console.warn('PostgreSQL key store tests skipped: set POSTGRES_URL (CI: postgres://postgres@127.0.0.1:5432/postgres)');
  describe.skip('PostgreSQL key store (POSTGRES_URL is not set)', () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  describe('PostgreSQL key store', () => {
    let database: TestDatabase;
    let vaultUrl: string;
    beforeAll(async () => {
      database = (await createTestDatabase('tongxin_vault_test'))!;
      const url = new URL(database.url);
      url.searchParams.set('schema', 'vault_test');
      vaultUrl = url.toString();
    });
    afterAll(() => database.drop());

    describeKeyStore('postgres', () => openKeyStore(vaultUrl));

    it('creates its table in the schema the URL names, beside other tables', async () => {
      const keys = await openKeyStore(vaultUrl);
      await keys.keyFor('volunteer:schema-1');
      await keys.close();
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query(
          "SELECT table_schema, table_name FROM information_schema.tables WHERE table_name = 'subject_keys'");
        expect(rows).toEqual([{ table_schema: 'vault_test', table_name: 'subject_keys' }]);
      } finally {
        await client.end();
      }
    });

    it('reads no destroyed key through SQL', async () => {
      const keys = await openKeyStore(vaultUrl);
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        const key = await keys.keyFor('volunteer:pg-raw-1');
        const dump = async () => (await client.query<{ row: string }>('SELECT t::text AS row FROM vault_test.subject_keys t')).rows.map((r) => r.row).join('\n');
        expect(await dump()).toContain(key.toString('hex'));
        await keys.destroy('volunteer:pg-raw-1');
        expect(await dump()).not.toContain(key.toString('hex'));
      } finally {
        await client.end();
        await keys.close();
      }
    });

    it('refuses a schema name that is not a plain identifier', async () => {
      const url = new URL(database.url);
      url.searchParams.set('schema', 'vault; DROP TABLE x');
      await expect(openKeyStore(url.toString())).rejects.toThrow(/must match/);
    });
  });
}
