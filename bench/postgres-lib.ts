import { Client } from 'pg';

export async function admin<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A database of its own for each part, so neither part's tables or WAL colour the other. */
export async function withDatabase<T>(adminUrl: string, suffix: string, work: (url: string) => Promise<T>): Promise<T> {
  const name = `tongxin_bench_${process.pid}_${suffix}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  try {
    return await work(url.toString());
  } finally {
    await admin(adminUrl, async (c) => {
      await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
    });
  }
}
