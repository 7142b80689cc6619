import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { LedgerTestApp } from './ledger-app';

export const REDIS_URL = process.env.REDIS_URL;

/** Where a suite's jobs run: in the API process on SQLite (embedded), or through BullMQ on the real Redis. */
export type JobMode = 'embedded' | 'redis';

/**
 * An app for `mode` (Redis: a key prefix of its own, the processors run by the app itself) and its cleanup, which
 * stops the app and deletes the prefix's keys.
 */
export async function startForJobs(mode: JobMode, suite: string): Promise<{ ledger: LedgerTestApp; stop: () => Promise<void> }> {
  const prefix = `tongxin-test-${suite}-${randomUUID().slice(0, 8)}`;
  const ledger = await LedgerTestApp.start(mode === 'redis' ? { jobs: { redisUrl: REDIS_URL, redisPrefix: prefix, jobWorker: 'inline' } } : {});
  return {
    ledger,
    stop: async () => {
      await ledger.stop();
      if (mode !== 'redis') return;
      const redis = new Redis(REDIS_URL!);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}
