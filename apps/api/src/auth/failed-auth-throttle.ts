import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** How many unknown tokens an address may present within `windowSeconds` before it is refused for `blockSeconds`. */
export interface FailedAuthLimits {
  failures: number;
  windowSeconds: number;
  blockSeconds: number;
}

export const DEFAULT_FAILED_AUTH_LIMITS: FailedAuthLimits = { failures: 10, windowSeconds: 60, blockSeconds: 300 };

/**
 * Slows guessing of tokens: per client address, failed authentications are counted, and past the limit every
 * request from that address carrying a token is refused with 429 and Retry-After — before its token is checked,
 * so a blocked address learns nothing. Counts live in this process (several API processes each count their own).
 */
export class FailedAuthThrottle {
  private readonly limiter: RateLimiterMemory;

  constructor(private readonly limits: FailedAuthLimits = DEFAULT_FAILED_AUTH_LIMITS) {
    this.limiter = new RateLimiterMemory({
      keyPrefix: 'tongxin-auth-failures', points: limits.failures, duration: limits.windowSeconds, blockDuration: limits.blockSeconds,
    });
  }

  /** Seconds the address must wait, or 0 when it may try. */
  async retryAfter(address: string): Promise<number> {
    const state = await this.limiter.get(address);
    return state && state.consumedPoints > this.limits.failures ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : 0;
  }

  /** Counts one failure; returns the seconds to wait when this failure crossed the limit, else 0. */
  async fail(address: string): Promise<number> {
    try {
      await this.limiter.consume(address);
      return 0;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  }
}
