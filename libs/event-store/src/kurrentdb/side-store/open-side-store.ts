import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isPostgresUrl } from '../../store-url';
import { PostgresSideStore } from './postgres-side-store';
import type { SideStore } from './side-store';
import { SqliteSideStore } from './sqlite-side-store';

/** The file name of the default side store, in the data directory. */
export const DEFAULT_STATE_FILE = 'kurrentdb-state.db';

/**
 * `postgres://…` / `postgresql://…` opens (and migrates) the PostgreSQL side store; anything else is a SQLite
 * file path (`sqlite:` prefix optional). Undefined or empty: `kurrentdb-state.db` in `dataDirectory`.
 */
export async function openSideStore(location: string | undefined, dataDirectory: string): Promise<SideStore> {
  const trimmed = location?.trim() ?? '';
  if (isPostgresUrl(trimmed)) return PostgresSideStore.open(trimmed);
  const path = trimmed === '' ? join(dataDirectory, DEFAULT_STATE_FILE) : trimmed.replace(/^sqlite:(\/\/)?/i, '');
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  return new SqliteSideStore(path === ':memory:' ? path : resolve(path));
}
