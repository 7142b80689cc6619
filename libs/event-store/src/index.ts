export * from './event-store';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { isPostgresUrl } from './store-url';
export { createEventStore, parseStoreUrl, type CreateEventStoreOptions, type StoreLocation } from './create-event-store';
export { KurrentDbEventStore, type KurrentDbEventStoreOptions } from './kurrentdb/kurrentdb-event-store';
export { isUnavailable as isPostgresUnavailable } from './postgres/postgres-errors';
export { checkout as checkoutClient } from './postgres/checkout';
