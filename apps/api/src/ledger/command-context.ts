import type { EventStore, IdempotencyRecord } from '@tongxin/event-store';
import type { Principal } from '../auth/principal';

/** Everything about a command that is not its body: who, which request, which revision it expects. */
export interface CommandContext {
  principal: Principal;
  commandId: string;
  correlationId: string;
  /** From If-Match: the revision the caller saw; a moved stream answers 412. */
  ifMatch?: number;
  /**
   * From Idempotency-Key: the key as stored (see callerIdempotencyKey), a fingerprint of the request it came with,
   * and for an API caller the key as sent, which an earlier version stored bare.
   */
  idempotency?: { key: string; fingerprint: string; unscopedKey?: string };
}

/** The contract's command response (§0), plus the HTTP status it was answered with. */
export interface CommandResult {
  status: number;
  body: { id: string; streamId: string; revision: number; position: number };
  replayed?: boolean;
}

/**
 * The key an API caller's Idempotency-Key is stored under: its token's id, a space, the key. So one caller's key
 * never answers nor blocks another caller's request ("unique per client"), in every process and after restarts,
 * since the scope is in the stored key. A client's key is visible ASCII and so holds no space: no key a client
 * sends is another caller's stored key, nor one the ledger makes itself (an import row's `import:…`, deliberately
 * shared by every uploader of the same file).
 */
export function callerIdempotencyKey(tokenId: string, key: string): string {
  return `${tokenId} ${key}`;
}

/**
 * The record a retry answers from: under the caller's key, or else one an earlier version stored under the bare
 * key, when its fingerprint (which covers the token as well as the request) shows it was this caller's same request.
 * A bare record of another fingerprint is left alone: it may be another caller's, which is no reason to refuse.
 */
export async function earlierRecord(
  store: Pick<EventStore, 'getIdempotencyRecord'>, idempotency: NonNullable<CommandContext['idempotency']>,
): Promise<IdempotencyRecord | undefined> {
  const record = await store.getIdempotencyRecord(idempotency.key);
  if (record || idempotency.unscopedKey === undefined) return record;
  const unscoped = await store.getIdempotencyRecord(idempotency.unscopedKey);
  return unscoped?.fingerprint === idempotency.fingerprint ? unscoped : undefined;
}

/** The first answer of a command, rebuilt from its idempotency record for a retry. */
export function replayedResult(result: { streamId: string; revision: number; position: number }, response: Record<string, unknown>): CommandResult {
  const stored = response as { status: number; id: string };
  return { status: stored.status, replayed: true, body: { id: stored.id, streamId: result.streamId, revision: result.revision, position: result.position } };
}
