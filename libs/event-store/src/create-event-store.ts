import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EventStore } from './event-store';
import { KurrentDbEventStore } from './kurrentdb/kurrentdb-event-store';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

export type StoreLocation =
  | { kind: 'sqlite'; path: string; writer?: 'inline' | 'worker' }
  | { kind: 'postgres'; url: string }
  | { kind: 'kurrentdb'; url: string };

/**
 * `sqlite:./data/tongxin.db` (relative to the working directory), `sqlite:/abs/path.db`, `sqlite:///abs/path.db`
 * or `sqlite::memory:`, optionally with `?writer=inline|worker` (where commits run; see SqliteEventStore); `postgres://…` / `postgresql://…`; `kurrentdb://…` / `esdb://…`.
 */
export function parseStoreUrl(url: string): StoreLocation {
  const trimmed = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'sqlite': {
      const [rest, query = ''] = trimmed.slice('sqlite:'.length).split('?', 2);
      const path = rest.startsWith('//') ? rest.slice(2) : rest;
      if (path === '') throw new Error(`store URL ${url} names no file`);
      const writer = new URLSearchParams(query).get('writer') ?? undefined;
      if (writer !== undefined && writer !== 'inline' && writer !== 'worker') {
        throw new Error(`store URL ${url}: writer must be inline or worker`);
      }
      return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(path), writer };
    }
    case 'postgres':
    case 'postgresql':
      return { kind: 'postgres', url: trimmed };
    case 'kurrentdb':
    case 'esdb':
      return { kind: 'kurrentdb', url: trimmed };
    default:
      throw new Error(`unsupported store URL ${url}: expected sqlite:, postgres://, postgresql://, kurrentdb:// or esdb://`);
  }
}

export interface CreateEventStoreOptions {
  /** KurrentDB only: where idempotency records and unique keys live. Default `TONGXIN_KURRENTDB_STATE`, else a SQLite file in the data directory. */
  kurrentdbState?: string;
  /** KurrentDB only: the directory of the default side store. Default `TONGXIN_DATA_DIR`, else `./data`. */
  dataDirectory?: string;
}

/**
 * Opens the event store a URL names; for SQLite, creates the file's directory first; for PostgreSQL, migrates
 * first; for KurrentDB, opens its side store and checks the server answers.
 */
export async function createEventStore(url: string, options: CreateEventStoreOptions = {}): Promise<EventStore> {
  const location = parseStoreUrl(url);
  switch (location.kind) {
    case 'sqlite':
      if (location.path !== ':memory:') mkdirSync(dirname(location.path), { recursive: true });
      return new SqliteEventStore(location.path, { writer: location.writer });
    case 'postgres':
      return PostgresEventStore.open(location.url);
    case 'kurrentdb':
      return KurrentDbEventStore.open(location.url, {
        state: options.kurrentdbState ?? process.env.TONGXIN_KURRENTDB_STATE,
        dataDirectory: options.dataDirectory ?? process.env.TONGXIN_DATA_DIR ?? './data',
      });
  }
}
