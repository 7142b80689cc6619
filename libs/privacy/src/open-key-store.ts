import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isPostgresUrl, parseStoreUrl } from '@tongxin/event-store';
import { DEFAULT_VAULT_SCHEMA, PostgresKeyStore } from './postgres-key-store';
import { SqliteKeyStore } from './sqlite-key-store';
import type { SubjectKeyStore } from './subject-key-store';

/** The vault's file name in the data directory, for every store but PostgreSQL. */
export const DEFAULT_VAULT_FILE = 'tongxin-vault.db';

/**
 * `postgres://…[?schema=name]` opens (creating if needed) the key table in that schema (default tongxin_vault);
 * anything else is a SQLite file path (`sqlite:` prefix optional, `:memory:` for tests), its directory created.
 */
export async function openKeyStore(location: string): Promise<SubjectKeyStore> {
  const trimmed = location.trim();
  if (isPostgresUrl(trimmed)) return PostgresKeyStore.open(trimmed);
  const path = trimmed.replace(/^sqlite:(\/\/)?/i, '');
  if (path === '') throw new Error('key store location names no file');
  if (path === ':memory:') return new SqliteKeyStore(path);
  mkdirSync(dirname(resolve(path)), { recursive: true });
  return new SqliteKeyStore(resolve(path));
}

/**
 * Where the vault goes by default for an event store URL: the store's own PostgreSQL database, schema
 * tongxin_vault, for PostgreSQL; else `tongxin-vault.db` in the data directory (in memory for an in-memory store).
 */
export function defaultVaultLocation(storeUrl: string, dataDirectory: string): string {
  if (isPostgresUrl(storeUrl)) {
    const url = new URL(storeUrl.trim());
    url.searchParams.set('schema', DEFAULT_VAULT_SCHEMA);
    return url.toString();
  }
  const location = parseStoreUrl(storeUrl);
  if (location.kind === 'sqlite' && location.path === ':memory:') return ':memory:';
  return join(dataDirectory, DEFAULT_VAULT_FILE);
}
