/**
 * Every background job by name, and the queue it runs on: the one place queue names live. A queue runs one job at a
 * time, so jobs that must not overlap share a queue and jobs that may run side by side get queues of their own.
 */
export const JOB_QUEUES = {
  /** A spreadsheet of activities, volunteers, hours or donations, recorded row by row. */
  import: 'tongxin-imports',
  /** Bank-statement lines matched against recorded donations. */
  reconcile: 'tongxin-reconciliation',
} as const;

export type JobName = keyof typeof JOB_QUEUES;
export type QueueName = (typeof JOB_QUEUES)[JobName];

export const JOB_NAMES = Object.keys(JOB_QUEUES) as JobName[];
export const QUEUE_NAMES = [...new Set(Object.values(JOB_QUEUES))] as QueueName[];

export function queueOf(name: JobName): QueueName {
  return JOB_QUEUES[name];
}

export function isJobName(value: unknown): value is JobName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(JOB_QUEUES, value);
}
