/** How a job that failed transiently is tried again: `attempts` in all, waiting `backoffMs`·2^(n−1) before retry n. */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, backoffMs: 2000 };

/** BullMQ's exponential backoff, so both adapters wait alike: before the `retry`-th retry (1-based). */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  return Math.round(policy.backoffMs * 2 ** (retry - 1));
}
