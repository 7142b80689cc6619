import type { JobError, JobOrigin } from '../job-queue';

/** What a BullMQ job's data holds: the caller's id and origin beside the payload, and the token of the add that made it. */
export interface BullJobData<P = unknown> extends JobOrigin {
  id: string;
  /** Null when the payload is kept under `payloadKey` (every job queued by BullJobQueue). */
  payload: P | null;
  payloadKey?: string;
  /** Unique per add call: the job's stored token tells whether this add created it or found it (BullMQ answers both alike). */
  token: string;
}

/**
 * BullMQ's own job id for ours: custom ids may not contain ':' nor look like integers, so ours are escaped and
 * prefixed (readably, for anyone looking in Redis).
 */
export function toBullJobId(id: string): string {
  return `job-${id.replace(/%/g, '%25').replace(/:/g, '%3A')}`;
}

/** A failure travels as JSON in BullMQ's failedReason; reasons BullMQ writes itself (a stalled job) are plain text. */
export function encodeFailure(error: JobError): string {
  return JSON.stringify(error);
}

export function decodeFailure(reason: string | undefined): JobError {
  if (!reason) return { message: 'the job failed', permanent: false };
  try {
    const parsed = JSON.parse(reason) as Partial<JobError>;
    if (parsed && typeof parsed.message === 'string' && typeof parsed.permanent === 'boolean') return parsed as JobError;
  } catch {
    // plain text
  }
  return { message: reason, permanent: false };
}

/** The Redis connection settings BullMQ wants for the URL (ioredis parses the URL itself). */
export interface RedisTarget {
  url: string;
  /** Key prefix of every queue (BullMQ's `prefix`), so deployments and test runs sharing a Redis never meet. */
  prefix: string;
}

/**
 * Where a job's payload is kept: under a key of its own, not in the job's hash. Every read of a job fetches its hash
 * whole (a poll of a 50,000-row import's progress fetched its 3 MB spreadsheet each time), and the payload (an uploaded
 * sheet, names and phone numbers in it) is deleted once the job has finished, while the job's view stays 14 days.
 */
export function payloadKeyOf(prefix: string, bullJobId: string): string {
  return `${prefix}:payload:${bullJobId}`;
}
