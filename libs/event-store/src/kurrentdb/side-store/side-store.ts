import type { AppendResult } from '../../event-store';

/**
 * Where the KurrentDB adapter keeps what KurrentDB cannot: idempotency records and ledger-wide unique keys,
 * plus the appends that claimed them and are not settled yet. SQLite (one process) or PostgreSQL (several).
 * A claim is "pending" while its append is in flight; settling makes it final or removes it.
 */
export interface SideStore {
  /**
   * Inserts, in one transaction, the append and every claim it makes, or nothing: when the idempotency key or a
   * unique key is already held (pending or final), answers the row that stands in the way.
   */
  claim(claim: AppendClaim): Promise<ClaimOutcome>;
  /**
   * With a result: the idempotency record gets it (and `now` as its createdAt: an import passes the record's first
   * instant), the unique keys become final, the append is forgotten. Without: every claim of the append is removed.
   * Touches only rows still held by `appendId`.
   */
  settle(appendId: string, result: AppendResult | undefined, now: Date): Promise<void>;
  /** The owner gave up not knowing the outcome (the append call failed): others may resolve it at once. */
  abandon(appendId: string, at: Date): Promise<void>;
  pendingAppend(appendId: string): Promise<PendingAppend | undefined>;
  idempotency(key: string): Promise<StoredIdempotency | undefined>;
  /** Settled records whose result's position is after `after`, in that order, at most `limit` (an export's page). */
  settledIdempotency(after: number, limit: number): Promise<StoredIdempotency[]>;
  /** Every append still holding claims (few: each settles within its call, or is resolved once its owner is gone). */
  pendingAppends(): Promise<PendingAppend[]>;
  uniqueKey(key: string): Promise<StoredUniqueKey | undefined>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface AppendClaim {
  appendId: string;
  streamId: string;
  /** The stream's next revision before the append: its events land at or after it, which bounds a log check. */
  fromRevision: number;
  eventCount: number;
  idempotency?: { key: string; fingerprint: string; response: string };
  uniqueKeys: string[];
  now: Date;
}

export type ClaimOutcome =
  | { claimed: true }
  | { claimed: false; idempotency: StoredIdempotency }
  | { claimed: false; uniqueKey: StoredUniqueKey };

export interface StoredIdempotency {
  key: string;
  fingerprint: string;
  /** JSON text. */
  response: string;
  /** JSON of the AppendResult once settled; null while the append is pending. */
  result: string | null;
  /** The pending append holding it; null once settled. */
  appendId: string | null;
  createdAt: string;
}

export interface StoredUniqueKey {
  key: string;
  streamId: string;
  /** The pending append holding it; null once final. */
  appendId: string | null;
}

export interface PendingAppend {
  appendId: string;
  streamId: string;
  fromRevision: number;
  eventCount: number;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms, when the owner gave up on it. */
  abandonedAt: number | null;
}

/** Unique keys in one order everywhere, so two claims never wait on each other in a cycle. */
export function sortedKeys(keys: string[]): string[] {
  return [...new Set(keys)].sort();
}
