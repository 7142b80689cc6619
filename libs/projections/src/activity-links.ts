import { entityKey } from './entity-key';
import type { LinkedActivity } from './fold';
import type { Statements } from './statements';

/**
 * Bounds the cache; hours are mostly logged against recent activities, and a miss is one indexed SELECT. 20,000
 * activities span ~80,000 events of the bench's ledger, where every hour entry named one recorded within 50,000.
 */
const CACHE_LIMIT = 20_000;

/**
 * activityId → LinkedActivity, so the hours linked to an activity need no SELECT. Misses read the
 * activity's latest version, open or closed: a voided activity still counts its hours under its last campaign.
 */
export class ActivityLinks {
  private readonly cache = new Map<string, LinkedActivity>();

  constructor(private readonly sql: Statements) {}

  clear(): void {
    this.cache.clear();
  }

  get(activityId: string): LinkedActivity | undefined {
    const cached = this.cache.get(activityId);
    if (cached !== undefined) return cached;
    const row = this.sql.selectActivityLink.get(entityKey(activityId), activityId) as
      { campaign_id: string | null; recorded_pos: number } | undefined;
    if (!row) return undefined;
    return this.remember(activityId, { recordedPos: row.recorded_pos, campaignId: row.campaign_id });
  }

  remember(activityId: string, activity: LinkedActivity): LinkedActivity {
    const cache = this.cache;
    if (cache.size >= CACHE_LIMIT && !cache.has(activityId)) {
      // Forget the oldest quarter (Map iterates in insertion order): a FIFO with no per-hit bookkeeping.
      let drop = CACHE_LIMIT / 4;
      for (const key of cache.keys()) {
        cache.delete(key);
        if (--drop === 0) break;
      }
    }
    cache.set(activityId, activity);
    return activity;
  }
}
