import { randomUUID } from 'node:crypto';
import type { JobName } from '../job-names';
import { InvalidJobIdError, JobPayloadTooLargeError, MAX_JOB_PAYLOAD_BYTES, type JobQueue, type JobView } from '../job-queue';
import { PermanentJobError, type JobContext, type JobProcessor } from '../processor';
import { JobProcessorRegistry } from '../registry';
import type { RetryPolicy } from '../retry';

export interface JobQueueFixture {
  queue: JobQueue;
  /** Stops the queue and whatever runs the processors. */
  close(): Promise<void>;
}

/** Retries quick enough for a test: 3 attempts, 20 ms then 40 ms apart. */
export const CONTRACT_RETRY: RetryPolicy = { attempts: 3, backoffMs: 20 };

const ORIGIN = { actor: 'tok-contract', orgUnitId: 'v1' };

/** Polls until the job's view satisfies `done` (5 s at most). */
export async function waitForJob(queue: JobQueue, id: string, done: (view: JobView) => boolean = isFinished, timeoutMs = 10_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await queue.get(id);
    if (view && done(view)) return view;
    if (Date.now() > deadline) throw new Error(`job ${id} did not get there in ${timeoutMs} ms; last seen: ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

const isFinished = (view: JobView) => view.state === 'completed' || view.state === 'failed';

function processor<P, R>(process: (payload: P, ctx: JobContext) => Promise<R>): JobProcessor<P, R> & { calls: P[] } {
  const calls: P[] = [];
  return { calls, process: (payload, ctx) => { calls.push(payload); return process(payload, ctx); } };
}

/**
 * The behaviour every JobQueue adapter shares, run unchanged against each. `open` gets the registry whose
 * processors the fixture must run, with CONTRACT_RETRY as its retry policy.
 */
export function describeJobQueueContract(adapterName: string, open: (registry: JobProcessorRegistry) => Promise<JobQueueFixture>): void {
  describe(`JobQueue contract: ${adapterName}`, () => {
    let registry: JobProcessorRegistry;
    let fixture: JobQueueFixture;
    let queue: JobQueue;
    const id = (label: string) => `${label}:${randomUUID().slice(0, 8)}`;
    const register = <P, R>(name: JobName, p: JobProcessor<P, R>) => registry.register(name, p, { replace: true });

    beforeEach(async () => {
      registry = new JobProcessorRegistry();
      fixture = await open(registry);
      queue = fixture.queue;
    });
    afterEach(async () => {
      await fixture.close();
    });

    it('answers undefined for an id never queued', async () => {
      expect(await queue.get(id('never'))).toBeUndefined();
    });

    it('deduplicates by id: the same id again answers the existing job and queues nothing', async () => {
      const work = processor(async (payload: { n: number }) => ({ seen: payload.n }));
      register('reconcile', work);
      const jobId = id('dedupe');
      expect(await queue.enqueue('reconcile', jobId, { n: 1 }, ORIGIN)).toEqual({ id: jobId, created: true });
      expect(await queue.enqueue('reconcile', jobId, { n: 2 }, ORIGIN)).toEqual({ id: jobId, created: false });
      const view = await waitForJob(queue, jobId);
      expect(view).toMatchObject({ state: 'completed', result: { seen: 1 } });
      expect(await queue.enqueue('reconcile', jobId, { n: 3 }, ORIGIN)).toEqual({ id: jobId, created: false });
      // Ids are one namespace across job names.
      expect(await queue.enqueue('import', jobId, { n: 4 }, ORIGIN)).toEqual({ id: jobId, created: false });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(work.calls).toEqual([{ n: 1 }]);
    });

    it('hands a large payload (a spreadsheet of megabytes) to the processor intact, and again to a duplicate enqueue\'s job', async () => {
      const work = processor(async (payload: { file: string }) => ({ length: payload.file.length, tail: payload.file.slice(-8) }));
      register('import', work);
      const file = `${'表'.repeat(1_000_000)}end-mark`;
      const jobId = id('large');
      expect(await queue.enqueue('import', jobId, { file }, ORIGIN)).toEqual({ id: jobId, created: true });
      expect(await queue.enqueue('import', jobId, { file: 'other' }, ORIGIN)).toEqual({ id: jobId, created: false });
      expect(await waitForJob(queue, jobId)).toMatchObject({ state: 'completed', result: { length: file.length, tail: 'end-mark' } });
      expect(work.calls).toHaveLength(1);
    });

    it('shows progress while the job runs', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      register('import', processor(async (_: unknown, ctx) => {
        await ctx.progress(3, 10);
        await gate;
        await ctx.progress(10, 10);
        return { rows: 10 };
      }));
      const jobId = id('progress');
      await queue.enqueue('import', jobId, {}, ORIGIN);
      const running = await waitForJob(queue, jobId, (view) => view.state === 'running' && view.progress.done === 3);
      expect(running).toMatchObject({ state: 'running', progress: { done: 3, total: 10 }, attempts: 1 });
      expect(running.result).toBeUndefined();
      expect(running.finishedAt).toBeUndefined();
      release();
      expect(await waitForJob(queue, jobId)).toMatchObject({ state: 'completed', progress: { done: 10, total: 10 }, result: { rows: 10 } });
    });

    it('retries a transient failure with backoff, then completes', async () => {
      const startedAt: number[] = [];
      const flaky = processor(async (_: unknown, ctx) => {
        startedAt.push(Date.now());
        if (ctx.attempt < 3) throw new Error(`database busy (attempt ${ctx.attempt})`);
        return { ok: true, attempt: ctx.attempt };
      });
      register('reconcile', flaky);
      const jobId = id('transient');
      await queue.enqueue('reconcile', jobId, { line: 1 }, ORIGIN);
      const view = await waitForJob(queue, jobId);
      expect(view).toMatchObject({ state: 'completed', result: { ok: true, attempt: 3 }, attempts: 3 });
      expect(view.error).toBeUndefined();
      expect(flaky.calls).toHaveLength(3);
      // Exponential: the second retry waits about twice the first (20 ms, then 40 ms); timers may run late, never early.
      expect(startedAt[1] - startedAt[0]).toBeGreaterThanOrEqual(15);
      expect(startedAt[2] - startedAt[1]).toBeGreaterThanOrEqual(35);
    });

    it('fails after the last attempt when the failure stays transient', async () => {
      register('reconcile', processor(async () => { throw new Error('bank feed unreachable'); }));
      const jobId = id('exhausted');
      await queue.enqueue('reconcile', jobId, {}, ORIGIN);
      const view = await waitForJob(queue, jobId);
      expect(view).toMatchObject({ state: 'failed', attempts: 3, error: { message: 'bank feed unreachable', permanent: false } });
      expect(view.finishedAt).toEqual(expect.any(String));
    });

    it('does not retry a permanent failure, and its error is readable', async () => {
      const refusing = processor(async () => { throw new PermanentJobError('row 2: participants must be an integer', { rows: [{ row: 2, path: 'participants' }] }); });
      register('import', refusing);
      const jobId = id('permanent');
      await queue.enqueue('import', jobId, { file: 'x.xlsx' }, ORIGIN);
      const view = await waitForJob(queue, jobId);
      expect(view).toMatchObject({
        id: jobId, name: 'import', state: 'failed', attempts: 1,
        error: { message: 'row 2: participants must be an integer', permanent: true, details: { rows: [{ row: 2, path: 'participants' }] } },
      });
      expect(view.result).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(refusing.calls).toHaveLength(1);
    });

    it('keeps the result readable after completion, with who started it and when', async () => {
      register('import', processor(async (payload: { rows: number }, ctx) => {
        await ctx.progress(payload.rows, payload.rows);
        return { recorded: payload.rows, jobId: ctx.jobId, actor: ctx.actor, orgUnitId: ctx.orgUnitId };
      }));
      const jobId = id('result');
      const before = Date.now();
      await queue.enqueue('import', jobId, { rows: 4 }, ORIGIN);
      await waitForJob(queue, jobId);
      const view = await queue.get(jobId);
      expect(view).toEqual({
        id: jobId, name: 'import', state: 'completed', progress: { done: 4, total: 4 }, attempts: 1,
        result: { recorded: 4, jobId, actor: 'tok-contract', orgUnitId: 'v1' },
        actor: 'tok-contract', orgUnitId: 'v1', createdAt: expect.any(String), finishedAt: expect.any(String),
      });
      expect(Date.parse(view!.createdAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(view!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(view!.createdAt));
    });

    it('leaves a job queued while no processor serves its name', async () => {
      const jobId = id('waiting');
      await queue.enqueue('reconcile', jobId, {}, { actor: 'tok', orgUnitId: null });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await queue.get(jobId)).toMatchObject({ state: 'queued', attempts: 0, orgUnitId: null, progress: { done: 0, total: 0 } });
    });

    it('refuses a malformed id or an oversized payload before queueing anything', async () => {
      await expect(queue.enqueue('import', '', {}, ORIGIN)).rejects.toBeInstanceOf(InvalidJobIdError);
      await expect(queue.enqueue('import', 'has space', {}, ORIGIN)).rejects.toBeInstanceOf(InvalidJobIdError);
      const jobId = id('huge');
      await expect(queue.enqueue('import', jobId, { data: 'x'.repeat(MAX_JOB_PAYLOAD_BYTES) }, ORIGIN)).rejects.toBeInstanceOf(JobPayloadTooLargeError);
      expect(await queue.get(jobId)).toBeUndefined();
    });
  });
}
