import type { JobName } from './job-names';

export type JobState = 'queued' | 'running' | 'completed' | 'failed';

/** Who started a job and under which org unit: stored with it, so reads can be scoped and commands attributed. */
export interface JobOrigin {
  /** The token id of the caller that started the job (what `actor` records in event metadata). */
  actor: string;
  /** The org unit the job works under; null for a job of the whole ledger (only the unscoped admin may read it). */
  orgUnitId: string | null;
}

/** Why a job failed, as its view reports it. */
export interface JobError {
  message: string;
  /** True when retrying could not help (bad input): the job was not retried. */
  permanent: boolean;
  /** Whatever the processor attached (e.g. the rows that were refused). */
  details?: unknown;
}

export interface JobProgress {
  done: number;
  total: number;
}

/** A job as `GET /jobs/{id}` answers it. */
export interface JobView<R = unknown> extends JobOrigin {
  id: string;
  name: JobName;
  /** `queued` also covers a job waiting out the backoff before its next attempt. */
  state: JobState;
  progress: JobProgress;
  /** What the processor returned, once completed. */
  result?: R;
  /** Why it failed, once failed. */
  error?: JobError;
  /** ISO 8601 instants. */
  createdAt: string;
  finishedAt?: string;
  /** Attempts started so far (1 while the first runs). */
  attempts: number;
}

export interface EnqueueResult {
  id: string;
  /** False when a job with this id existed already: nothing new was queued, the existing job stands. */
  created: boolean;
}

/**
 * The port features start jobs through and read them back from. Adapters: BullMQ on Redis (REDIS_URL), or
 * in-process with the jobs kept in a SQLite file (the embedded default).
 */
export interface JobQueue {
  /**
   * Queues job `name` under the caller's `id` (the dedupe key: the same id again answers the existing job, of
   * whatever state, and queues nothing). `payload` must be JSON (binary as base64), at most MAX_JOB_PAYLOAD_BYTES.
   * @throws JobQueueUnavailableError when the queue cannot take jobs now (Redis unreachable): answer 503.
   * @throws JobPayloadTooLargeError, InvalidJobIdError.
   */
  enqueue<P>(name: JobName, id: string, payload: P, origin: JobOrigin): Promise<EnqueueResult>;
  /** The job with this id, or undefined (never existed, or its retention has run out). */
  get<R = unknown>(id: string): Promise<JobView<R> | undefined>;
  /** Stops taking and running jobs; a running job is left to be resumed (in-process) or retried (BullMQ). */
  close(): Promise<void>;
}

/**
 * The largest payload a job takes, as JSON text. A spreadsheet upload of a few MB fits; the whole payload is held in
 * memory while the job runs and stored once (a SQLite BLOB, or a Redis hash field).
 */
export const MAX_JOB_PAYLOAD_BYTES = 16 * 1024 * 1024;

/** A job id: 1–200 visible ASCII characters (an entity id, an Idempotency-Key, or both joined). */
export const JOB_ID_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** How long finished jobs stay readable before they are removed (and their id may be used again). */
export const JOB_RETENTION_SECONDS = 14 * 24 * 3600;

export class JobQueueUnavailableError extends Error {
  override readonly name = 'JobQueueUnavailableError';
  constructor(detail: string, override readonly cause?: unknown) {
    super(`The job queue is unavailable: ${detail}`);
  }
}

export class JobPayloadTooLargeError extends Error {
  override readonly name = 'JobPayloadTooLargeError';
  constructor(readonly bytes: number) {
    super(`The job payload is ${bytes} bytes; at most ${MAX_JOB_PAYLOAD_BYTES} are taken`);
  }
}

export class InvalidJobIdError extends Error {
  override readonly name = 'InvalidJobIdError';
  constructor(readonly id: string) {
    super('A job id must be 1–200 visible ASCII characters');
  }
}

/** The payload as stored: JSON text within the size limit, checked before anything is queued. */
export function serializePayload(id: string, payload: unknown): string {
  if (!JOB_ID_PATTERN.test(id)) throw new InvalidJobIdError(id);
  const json = JSON.stringify(payload ?? null);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_JOB_PAYLOAD_BYTES) throw new JobPayloadTooLargeError(bytes);
  return json;
}
