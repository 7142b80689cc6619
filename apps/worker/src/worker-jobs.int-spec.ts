import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { JobProcessorRegistry, type JobQueue, type JobView } from '@tongxin/jobs';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { JOB_QUEUE } from '../../api/src/jobs/tokens';
import { RegisterOrgUnitCommand } from '../../api/src/org-units/register-org-unit.handler';
import { loadWorkerConfig } from './main';
import { WorkerModule } from './worker.module';

const redisUrl = process.env.REDIS_URL;

if (!redisUrl) {
  console.warn('Worker job processing test skipped: set REDIS_URL (CI: redis://127.0.0.1:6379)');
  describe.skip('worker runs job processors (REDIS_URL is not set)', () => {
    it('needs a Redis server', () => undefined);
  });
} else {
  describe('worker runs job processors on BullMQ', () => {
    const prefix = `tongxin-test-${randomBytes(4).toString('hex')}`;
    const dir = mkdtempSync(join(tmpdir(), 'tongxin-worker-'));

    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true });
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });

    it('hosts the command handlers a processor dispatches to', async () => {
      const config = loadWorkerConfig({
        TONGXIN_STORE: `sqlite:${join(dir, 'tongxin.db')}`, REDIS_URL: redisUrl, TONGXIN_REDIS_PREFIX: prefix, WORKER_HEALTH_PORT: '0', HOST: '127.0.0.1',
      });
      const app = await NestFactory.createApplicationContext(WorkerModule.register(config), { logger: false });
      // Closed whatever happens below: its BullMQ workers would otherwise keep Jest (and Redis keys) alive.
      try {
        const commandBus = app.get(CommandBus);
        app.get(JobProcessorRegistry).register('import', {
          process: async (payload: { units: string[] }, ctx) => {
            const ids: string[] = [];
            for (const [index, id] of payload.units.entries()) {
              const principal = { tokenId: ctx.actor, role: 'admin' as const, scopeOrgUnitId: null };
              const result = await commandBus.execute(new RegisterOrgUnitCommand(
                { id, name: id, level: 'county' } as never, { principal, commandId: `${ctx.jobId}/${index}`, correlationId: ctx.jobId },
              ));
              ids.push(result.body.id);
              await ctx.progress(index + 1, payload.units.length);
            }
            return { registered: ids };
          },
        }, { replace: true }); // in place of the import processor: this job's payload is the test's own
        await app.init();
        const jobs = app.get<JobQueue>(JOB_QUEUE);
        const deadline = Date.now() + 10_000;
        let view: JobView | undefined;
        for (;;) {
          try {
            if (!view) await jobs.enqueue('import', 'import-units', { units: ['k1', 'k2'] }, { actor: 'tok-test', orgUnitId: null });
            view = await jobs.get('import-units');
            if (view && (view.state === 'completed' || view.state === 'failed')) break;
          } catch (error) {
            if (Date.now() > deadline) throw error; // Redis connecting
          }
          if (Date.now() > deadline) throw new Error(`the job did not finish: ${JSON.stringify(view)}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(view).toMatchObject({ state: 'completed', result: { registered: ['k1', 'k2'] }, progress: { done: 2, total: 2 } });
      } finally {
        await app.close();
      }
    });
  });
}
