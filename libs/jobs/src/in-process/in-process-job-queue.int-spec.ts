import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PermanentJobError } from '../processor';
import { JobProcessorRegistry } from '../registry';
import { CONTRACT_RETRY, describeJobQueueContract, waitForJob } from '../testing/job-queue.contract';
import { InProcessJobQueue } from './in-process-job-queue';

describeJobQueueContract('in-process (SQLite)', async (registry) => {
  const directory = mkdtempSync(join(tmpdir(), 'tongxin-jobs-'));
  const queue = new InProcessJobQueue(join(directory, 'tongxin-jobs.db'), registry, { retry: CONTRACT_RETRY, closeGraceMs: 1000 });
  queue.start();
  return {
    queue,
    close: async () => {
      await queue.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
});

describe('InProcessJobQueue specifics', () => {
  let directory: string;
  beforeEach(() => { directory = mkdtempSync(join(tmpdir(), 'tongxin-jobs-')); });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('keeps a finished job\'s view but not its payload, in the file or its WAL', async () => {
    const file = join(directory, 'tongxin-jobs.db');
    const registry = new JobProcessorRegistry();
    registry.register('import', { process: async (payload: { phone: string }) => ({ length: payload.phone.length }) });
    registry.register('reconcile', { process: async () => { throw new PermanentJobError('bad sheet'); } });
    const queue = new InProcessJobQueue(file, registry);
    queue.start();
    await queue.enqueue('import', 'imp-1', { phone: '13912345678-done' }, { actor: 'tok', orgUnitId: 'v1' });
    await queue.enqueue('reconcile', 'rec-1', { phone: '13912345678-failed' }, { actor: 'tok', orgUnitId: 'v1' });
    expect(await waitForJob(queue, 'imp-1')).toMatchObject({ state: 'completed', result: { length: 16 } });
    expect(await waitForJob(queue, 'rec-1')).toMatchObject({ state: 'failed' });
    const raw = readdirSync(directory).map((name) => readFileSync(join(directory, name)).toString('latin1')).join('');
    expect(raw).not.toContain('13912345678');
    await queue.close();
  });

  it('resumes a job that was running when the process stopped, and one still queued behind it', async () => {
    const file = join(directory, 'tongxin-jobs.db');
    const first = new JobProcessorRegistry();
    first.register('import', { process: (_: unknown, ctx) => ctx.progress(1, 2).then(() => new Promise<never>(() => undefined)) });
    const crashed = new InProcessJobQueue(file, first, { closeGraceMs: 0 });
    crashed.start();
    await crashed.enqueue('import', 'imp-1', { rows: 2 }, { actor: 'tok', orgUnitId: 'v1' });
    await crashed.enqueue('import', 'imp-2', { rows: 1 }, { actor: 'tok', orgUnitId: 'v1' });
    await waitForJob(crashed, 'imp-1', (view) => view.state === 'running' && view.progress.done === 1);
    // The "crash": the process goes without the job finishing (its processor never returns).
    await crashed.close();

    const second = new JobProcessorRegistry();
    const seen: Array<{ id: string; attempt: number }> = [];
    second.register('import', {
      process: async (payload: { rows: number }, ctx) => {
        seen.push({ id: ctx.jobId, attempt: ctx.attempt });
        await ctx.progress(payload.rows, payload.rows);
        return { recorded: payload.rows };
      },
    });
    const reopened = new InProcessJobQueue(file, second);
    expect(await reopened.get('imp-1')).toMatchObject({ state: 'running', attempts: 1 });
    reopened.start();
    expect(await waitForJob(reopened, 'imp-1')).toMatchObject({ state: 'completed', attempts: 2, result: { recorded: 2 }, progress: { done: 2, total: 2 } });
    expect(await waitForJob(reopened, 'imp-2')).toMatchObject({ state: 'completed', attempts: 1, result: { recorded: 1 } });
    expect(seen).toEqual([{ id: 'imp-1', attempt: 2 }, { id: 'imp-2', attempt: 1 }]);
    await reopened.close();
  });

  it('runs jobs queued before their processor was registered once it is', async () => {
    const registry = new JobProcessorRegistry();
    const queue = new InProcessJobQueue(join(directory, 'jobs.db'), registry);
    queue.start();
    await queue.enqueue('reconcile', 'rec-1', { lines: 3 }, { actor: 'tok', orgUnitId: null });
    expect(await queue.get('rec-1')).toMatchObject({ state: 'queued' });
    registry.register('reconcile', { process: async (payload: { lines: number }) => ({ matched: payload.lines }) });
    expect(await waitForJob(queue, 'rec-1')).toMatchObject({ state: 'completed', result: { matched: 3 } });
    await queue.close();
  });

  it('runs one job at a time per queue, in the order queued', async () => {
    const registry = new JobProcessorRegistry();
    const log: string[] = [];
    registry.register('import', {
      process: async (payload: { n: number }) => {
        log.push(`start ${payload.n}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        log.push(`end ${payload.n}`);
      },
    });
    const queue = new InProcessJobQueue(join(directory, 'jobs.db'), registry);
    queue.start();
    for (const n of [1, 2, 3]) await queue.enqueue('import', `imp-${n}`, { n }, { actor: 'tok', orgUnitId: 'v1' });
    await waitForJob(queue, 'imp-3');
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(await queue.get('imp-1')).toMatchObject({ state: 'completed', result: null });
    await queue.close();
  });
});
