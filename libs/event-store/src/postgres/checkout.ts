import type { Pool, PoolClient } from 'pg';

/**
 * A client checked out of the pool, heard while it is out. pg emits a dead connection as an 'error' event on a
 * checked-out client that has no query running (e.g. between the statements of a transaction), and the pool
 * listens only to idle clients: unheard, that event ends the process. The next query on the client fails and
 * reports it instead; on release the pool sees the client is no longer queryable and drops it.
 */
export async function checkout(pool: Pool): Promise<PoolClient> {
  const client = await pool.connect();
  const ignore = () => undefined;
  client.on('error', ignore);
  const release = client.release.bind(client);
  client.release = (error?: Error | boolean) => {
    client.removeListener('error', ignore);
    release(error);
  };
  return client;
}
