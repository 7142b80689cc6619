import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig, redactUrl } from '../../api/src/config/config';
import { WorkerModule, type WorkerConfig } from './worker.module';

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  // The worker owns the runner, so it looks for other processes' appends often (no one wakes it).
  const base = loadConfig({ TONGXIN_PROJECTION_POLL_MS: '25', ...env });
  const healthPort = Number(env.WORKER_HEALTH_PORT ?? 3100);
  if (!Number.isInteger(healthPort) || healthPort < 0 || healthPort > 65535) {
    throw new ConfigError(`WORKER_HEALTH_PORT must be a port number, got ${env.WORKER_HEALTH_PORT}`);
  }
  return { ...base, healthPort };
}

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule.register(config), { logger: ['log', 'error', 'warn'] });
  app.enableShutdownHooks();
  await app.init();
  process.stdout.write(`Tongxin Ledger worker projects ${redactUrl(config.storeUrl)} into ${redactUrl(config.readModelLocation)}\n`);
  process.stdout.write(config.redisUrl
    ? `Tongxin Ledger worker runs background jobs from ${redactUrl(config.redisUrl)} (prefix ${config.redisPrefix})\n`
    : 'Tongxin Ledger worker runs no background jobs: without REDIS_URL the API process runs them\n');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`Tongxin Ledger worker failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  });
}
