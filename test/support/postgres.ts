import { Client } from 'pg';

/**
 * A database of the suite's own on the PostgreSQL server POSTGRES_URL names, dropped afterwards.
 * Undefined when POSTGRES_URL is not set: those suites skip, saying why.
 */
export async function createTestDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const adminUrl = process.env.POSTGRES_URL;
  if (!adminUrl) return undefined;
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await client.query(`DROP DATABASE IF EXISTS ${name}`);
      await client.end();
    },
  };
}
