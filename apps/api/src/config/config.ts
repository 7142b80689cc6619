import { dirname, join, resolve } from 'node:path';

/** Configuration read once at boot and validated, so a bad setting fails fast with a clear message. */
export interface LedgerConfig {
  port: number;
  host: string;
  /** Event store URL: `sqlite:./data/tongxin.db` (default), later `postgres://…`, `kurrentdb://…`. */
  storeUrl: string;
  /** Where the embedded read models and credentials live. */
  dataDir: string;
  readModelPath: string;
  /** Bootstrap admin token; when absent the first start generates one and keeps only its hash. */
  adminToken?: string;
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
  const dataDir = overrides.dataDir ?? env.TONGXIN_DATA_DIR ?? defaultDataDir(storeUrl);
  return {
    port,
    host: overrides.host ?? env.HOST ?? '0.0.0.0',
    storeUrl,
    dataDir,
    readModelPath: overrides.readModelPath ?? env.TONGXIN_READ_MODEL ?? join(dataDir, 'tongxin-read.db'),
    adminToken,
    minPositionWaitMs: overrides.minPositionWaitMs ?? 5000,
  };
}

/** Beside the SQLite file for the embedded store, else ./data. */
function defaultDataDir(storeUrl: string): string {
  if (storeUrl.startsWith('sqlite:')) return dirname(resolve(storeUrl.slice('sqlite:'.length)));
  return resolve('./data');
}
