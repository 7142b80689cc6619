import { isPostgresUrl } from '@tongxin/event-store';
import { defaultVaultLocation } from '@tongxin/privacy';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_FAILED_AUTH_LIMITS, type FailedAuthLimits } from '../auth/failed-auth-throttle';

/** Configuration read once at boot and validated, so a bad setting fails fast with a clear message. */
export interface LedgerConfig {
  port: number;
  host: string;
  /** Event store URL: `sqlite:./data/tongxin.db` (default), `postgres://…`, `kurrentdb://…`. */
  storeUrl: string;
  /** Where the embedded read models and credentials live. */
  dataDir: string;
  /**
   * The read model: a SQLite file path, or a `postgres://…` URL (tables in its `schema` parameter, default
   * `tongxin_read`). Defaults to the store's own PostgreSQL database when the store is PostgreSQL, so every
   * API process and the worker share one read model; else `tongxin-read.db` in the data directory.
   */
  readModelLocation: string;
  /**
   * `inline`: this process runs the projection runner (the embedded default). `off`: another process (the
   * worker) keeps the shared read model up to date and this one only reads it and waits on its checkpoint.
   */
  projections: 'inline' | 'off';
  /** KurrentDB only: where idempotency records and unique keys live (`postgres://…` or a SQLite path). */
  kurrentdbState?: string;
  /** How often the runner looks for new events when nothing in this process woke it (other processes append too). */
  projectionPollMs: number;
  /**
   * The vault: access-token hashes and the keys that personal data is encrypted with, kept apart from the events.
   * A SQLite file (default `tongxin-vault.db` in the data directory), or a `postgres://…` URL (tables in its `schema`
   * parameter, default `tongxin_vault`; the default when the store is PostgreSQL, so every process shares it).
   */
  vaultLocation: string;
  /** Bootstrap admin token; when absent the first start generates one and keeps only its hash. */
  adminToken?: string;
  /** When an address that keeps presenting unknown tokens is refused with 429 (tests lower or raise it). */
  failedAuth: FailedAuthLimits;
  /** How long a query with minPosition waits for its read model before answering 503. */
  minPositionWaitMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<LedgerConfig> = {}): LedgerConfig {
  const storeUrl = overrides.storeUrl ?? env.TONGXIN_STORE ?? 'sqlite:./data/tongxin.db';
  const port = overrides.port ?? Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number, got ${env.PORT}`);
  const adminToken = overrides.adminToken ?? env.TONGXIN_ADMIN_TOKEN;
  if (adminToken !== undefined && !/^[\x21-\x7e]{16,256}$/.test(adminToken)) {
    throw new ConfigError('TONGXIN_ADMIN_TOKEN must be 16–256 visible ASCII characters');
  }
  const projections = overrides.projections ?? env.TONGXIN_PROJECTIONS ?? 'inline';
  if (projections !== 'inline' && projections !== 'off') {
    throw new ConfigError(`TONGXIN_PROJECTIONS must be inline or off, got ${projections}`);
  }
  const projectionPollMs = overrides.projectionPollMs ?? Number(env.TONGXIN_PROJECTION_POLL_MS ?? 200);
  if (!Number.isInteger(projectionPollMs) || projectionPollMs < 1) {
    throw new ConfigError(`TONGXIN_PROJECTION_POLL_MS must be a positive integer, got ${env.TONGXIN_PROJECTION_POLL_MS}`);
  }
  const dataDir = overrides.dataDir ?? env.TONGXIN_DATA_DIR ?? defaultDataDir(storeUrl);
  return {
    port,
    host: overrides.host ?? env.HOST ?? '0.0.0.0',
    storeUrl,
    dataDir,
    readModelLocation: overrides.readModelLocation ?? env.TONGXIN_READ_MODEL ?? defaultReadModel(storeUrl, dataDir),
    projections,
    projectionPollMs,
    kurrentdbState: overrides.kurrentdbState ?? env.TONGXIN_KURRENTDB_STATE,
    vaultLocation: overrides.vaultLocation ?? env.TONGXIN_VAULT ?? defaultVaultLocation(storeUrl, dataDir),
    adminToken,
    minPositionWaitMs: overrides.minPositionWaitMs ?? 5000,
    failedAuth: overrides.failedAuth ?? DEFAULT_FAILED_AUTH_LIMITS,
  };
}

function defaultReadModel(storeUrl: string, dataDir: string): string {
  return isPostgresUrl(storeUrl) ? storeUrl : join(dataDir, 'tongxin-read.db');
}

/** Beside the SQLite file for the embedded store, else ./data. */
function defaultDataDir(storeUrl: string): string {
  if (storeUrl.startsWith('sqlite:')) return dirname(resolve(storeUrl.slice('sqlite:'.length)));
  return resolve('./data');
}

/** A store or read-model location fit for a log line: never a password from a connection URL. */
export function redactUrl(location: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return location;
  try {
    const url = new URL(location);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return location;
  }
}
