import type { JobError, JobOrigin } from './job-queue';

/** What a processor gets besides its payload. */
export interface JobContext extends JobOrigin {
  jobId: string;
  /** 1 on the first try; a processor that resumes (after a crash or a retry) sees more. */
  attempt: number;
  /**
   * Reports rows done out of total. Cheap to call per row: writes are throttled (the first, the last and at most a
   * few a second reach the store).
   */
  progress(done: number, total: number): Promise<void>;
}

/**
 * Runs one kind of job. It may run more than once for the same job (a retry, or a resume after a crash), so it
 * must be safe to re-run: e.g. record each row with an id derived from the job and the row.
 * Throw PermanentJobError for bad input (no retry); any other error is transient and retried with backoff.
 */
export interface JobProcessor<P = unknown, R = unknown> {
  process(payload: P, ctx: JobContext): Promise<R>;
}

/** A failure retrying cannot cure (bad input): the job fails at once, with `details` in its view. */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
  constructor(message: string, readonly details?: unknown) {
    super(message);
  }
}

export function isPermanentFailure(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return error instanceof PermanentJobError || name === 'PermanentJobError' || name === 'UnrecoverableError';
}

/** The failure as a job's view shows it. */
export function describeFailure(error: unknown, permanent = isPermanentFailure(error)): JobError {
  const message = error instanceof Error ? error.message : String(error);
  const details = error instanceof PermanentJobError ? error.details : undefined;
  return details === undefined ? { message, permanent } : { message, permanent, details };
}

const PROGRESS_INTERVAL_MS = 250;

/** Progress reports thinned out: the first and the final one always pass, others at most every 250 ms. */
export function throttledProgress(write: (done: number, total: number) => Promise<void>): (done: number, total: number) => Promise<void> {
  let lastWrite = 0;
  return async (done, total) => {
    const now = Date.now();
    if (lastWrite !== 0 && done < total && now - lastWrite < PROGRESS_INTERVAL_MS) return;
    lastWrite = now;
    await write(Math.max(0, Math.trunc(done)), Math.max(0, Math.trunc(total)));
  };
}
