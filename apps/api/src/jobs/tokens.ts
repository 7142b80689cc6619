/** The JobQueue port (`@tongxin/jobs`): BullMQ with REDIS_URL, in-process without. The registry is injected by its class. */
export const JOB_QUEUE = Symbol('JOB_QUEUE');
