import { isPostgresUrl } from '@tongxin/event-store';
import { defaultVaultLocation } from '@tongxin/privacy';
import { existsSync } from 'node:fs';
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
  /** REDIS_URL: background jobs go through BullMQ on this Redis; without it they run in the API process. */
  redisUrl?: string;
  /** TONGXIN_REDIS_PREFIX: the key prefix of every queue (default `tongxin`), so deployments sharing a Redis never meet. */
  redisPrefix: string;
  /**
   * TONGXIN_JOB_WORKER: `inline` runs the job processors in this process, `off` only queues jobs for the worker
   * (apps/worker). Defaults to `inline` without REDIS_URL (the embedded default keeps every feature), `off` with it.
   */
  jobWorker: 'inline' | 'off';
  /** Where jobs are kept without Redis: `tongxin-jobs.db` in the data directory. */
  jobsLocation: string;
  /** TONGXIN_JOB_ATTEMPTS (default 5) and TONGXIN_JOB_BACKOFF_MS (default 2000): retries of a transient failure, waiting backoffMs·2^(n−1). */
  jobRetry: { attempts: number; backoffMs: number };
  /** TONGXIN_DASHBOARD_DIR: the built web dashboard served at `/` (default: the repository's dist/dashboard). */
  dashboardDir: string;
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
  const jobs = loadJobsConfig(env, overrides);
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
    ...jobs,
    jobsLocation: overrides.jobsLocation ?? join(dataDir, 'tongxin-jobs.db'),
    dashboardDir: resolve(overrides.dashboardDir ?? env.TONGXIN_DASHBOARD_DIR ?? defaultDashboardDir()),
  };
}

function loadJobsConfig(env: NodeJS.ProcessEnv, overrides: Partial<LedgerConfig>): Pick<LedgerConfig, 'redisUrl' | 'redisPrefix' | 'jobWorker' | 'jobRetry'> {
  const redisUrl = 'redisUrl' in overrides ? overrides.redisUrl : (env.REDIS_URL || undefined);
  if (redisUrl !== undefined && !/^rediss?:\/\/\S+$/.test(redisUrl)) throw new ConfigError(`REDIS_URL must be a redis:// or rediss:// URL, got ${redactUrl(redisUrl)}`);
  const redisPrefix = overrides.redisPrefix ?? env.TONGXIN_REDIS_PREFIX ?? 'tongxin';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(redisPrefix)) {
    throw new ConfigError(`TONGXIN_REDIS_PREFIX must be 1–64 letters, digits, '_', '.' or '-', got ${redisPrefix}`);
  }
  const jobWorker = overrides.jobWorker ?? env.TONGXIN_JOB_WORKER ?? (redisUrl ? 'off' : 'inline');
  if (jobWorker !== 'inline' && jobWorker !== 'off') throw new ConfigError(`TONGXIN_JOB_WORKER must be inline or off, got ${jobWorker}`);
  if (jobWorker === 'off' && !redisUrl) {
    throw new ConfigError('TONGXIN_JOB_WORKER=off needs REDIS_URL: without Redis, jobs run in the API process or not at all');
  }
  const attempts = overrides.jobRetry?.attempts ?? Number(env.TONGXIN_JOB_ATTEMPTS ?? 5);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100) {
    throw new ConfigError(`TONGXIN_JOB_ATTEMPTS must be an integer 1–100, got ${env.TONGXIN_JOB_ATTEMPTS}`);
  }
  const backoffMs = overrides.jobRetry?.backoffMs ?? Number(env.TONGXIN_JOB_BACKOFF_MS ?? 2000);
  if (!Number.isInteger(backoffMs) || backoffMs < 0 || backoffMs > 3_600_000) {
    throw new ConfigError(`TONGXIN_JOB_BACKOFF_MS must be an integer 0–3600000, got ${env.TONGXIN_JOB_BACKOFF_MS}`);
  }
  return { redisUrl, redisPrefix, jobWorker, jobRetry: { attempts, backoffMs } };
}

function defaultReadModel(storeUrl: string, dataDir: string): string {
  return isPostgresUrl(storeUrl) ? storeUrl : join(dataDir, 'tongxin-read.db');
}

/**
 * `npm run build` writes the dashboard to dist/dashboard of the repository: found from this file's directory, which is
 * apps/api/src/config under the sources (tests) and dist/apps/api/src/config in the build.
 */
function defaultDashboardDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'dashboard');
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
