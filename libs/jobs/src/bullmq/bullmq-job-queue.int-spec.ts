import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { JobQueueUnavailableError } from '../job-queue';
import { JobProcessorRegistry } from '../registry';
import { CONTRACT_RETRY, describeJobQueueContract, waitForJob } from '../testing/job-queue.contract';
import { BullJobQueue } from './bullmq-job-queue';
import { BullJobRunner } from './bullmq-job-runner';

const redisUrl = process.env.REDIS_URL;

/** Deletes every key under the prefix (never anything else on the shared Redis). */
async function deletePrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

if (!redisUrl) {
  console.warn('BullMQ job queue integration tests skipped: set REDIS_URL (CI: redis://127.0.0.1:6379)');
  describe.skip('BullJobQueue (REDIS_URL is not set)', () => {
    it('needs a Redis server', () => undefined);
  });
} else {
  // A prefix of this run's own, one per test beneath it, so runs and tests sharing the Redis never meet.
  const runPrefix = `tongxin-test-${randomBytes(4).toString('hex')}`;
  let serial = 0;

  afterAll(async () => {
    await deletePrefix(redisUrl, runPrefix);
  });

  describeJobQueueContract('BullMQ', async (registry) => {
    const prefix = `${runPrefix}-${++serial}`;
    const queue = new BullJobQueue({ url: redisUrl, prefix, retry: CONTRACT_RETRY });
    const runner = new BullJobRunner(registry, { url: redisUrl, prefix });
    runner.start();
    await waitUntil(() => queue.available);
    return {
      queue,
      close: async () => {
        await runner.close();
        await queue.close();
        await deletePrefix(redisUrl, prefix);
      },
    };
  });

  describe('BullJobQueue specifics', () => {
    it('answers JobQueueUnavailableError at once while Redis is unreachable, never hanging', async () => {
      const queue = new BullJobQueue({ url: 'redis://127.0.0.1:1', prefix: `${runPrefix}-down` });
      const started = Date.now();
      await expect(queue.enqueue('import', 'imp-1', {}, { actor: 'tok', orgUnitId: 'v1' })).rejects.toBeInstanceOf(JobQueueUnavailableError);
      await expect(queue.get('imp-1')).rejects.toBeInstanceOf(JobQueueUnavailableError);
      expect(Date.now() - started).toBeLessThan(1000);
      await queue.close();
    });

    it('keeps a payload under its own key until the job finishes, then deletes it; the view stays', async () => {
      const prefix = `${runPrefix}-payload`;
      const registry = new JobProcessorRegistry();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      registry.register('import', { process: async (payload: { phone: string }) => { await gate; return { length: payload.phone.length }; } });
      const queue = new BullJobQueue({ url: redisUrl, prefix });
      const runner = new BullJobRunner(registry, { url: redisUrl, prefix });
      runner.start();
      await waitUntil(() => queue.available);
      const redis = new Redis(redisUrl);
      try {
        await queue.enqueue('import', 'imp-1', { phone: '13912345678' }, { actor: 'tok', orgUnitId: 'v1' });
        const keys = async () => (await redis.keys(`${prefix}:payload:*`)).length;
        expect(await keys()).toBe(1);
        // The job's hash, which every read of the job fetches, does not hold the payload.
        const hash = await redis.hgetall(`${prefix}:tongxin-imports:job-imp-1`);
        expect(hash.data).toBeDefined();
        expect(JSON.stringify(hash)).not.toContain('13912345678');
        release();
        expect(await waitForJob(queue, 'imp-1')).toMatchObject({ state: 'completed', result: { length: 11 } });
        expect(await keys()).toBe(0);
      } finally {
        release(); // a runner waits for its running job to end before it closes
        redis.disconnect();
        await runner.close();
        await queue.close();
        await deletePrefix(redisUrl, prefix);
      }
    });

    it('keeps ids with colons and ids that look like numbers apart', async () => {
      const prefix = `${runPrefix}-ids`;
      const queue = new BullJobQueue({ url: redisUrl, prefix });
      await waitUntil(() => queue.available);
      for (const id of ['42', 'import:2026:03', 'a%3Ab', 'a:b']) {
        expect(await queue.enqueue('import', id, { id }, { actor: 'tok', orgUnitId: 'v1' })).toEqual({ id, created: true });
        expect(await queue.get(id)).toMatchObject({ id, state: 'queued' });
      }
      await queue.close();
      await deletePrefix(redisUrl, prefix);
    });
  });
}

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Redis did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
