import { isPostgresUrl } from '@tongxin/event-store';
import { openPostgresReadModel } from './postgres/postgres-read-model';
import { openReadModel, type LedgerReadModelPort } from './read-model';

/**
 * Opens the read model at `location`: a `postgres://` / `postgresql://` URL (tables in the schema named by
 * its `schema` parameter, default `tongxin_read`) or a SQLite file path (`:memory:` for tests).
 */
export async function openLedgerReadModel(location: string): Promise<LedgerReadModelPort> {
  if (isPostgresUrl(location)) return openPostgresReadModel(location);
  return openReadModel(location);
}
