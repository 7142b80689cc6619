import type { Principal } from '../auth/principal';

/** Everything about a command that is not its body: who, which request, which revision it expects. */
export interface CommandContext {
  principal: Principal;
  commandId: string;
  correlationId: string;
  /** From If-Match: the revision the caller saw; a moved stream answers 412. */
  ifMatch?: number;
  /** From Idempotency-Key, with a fingerprint of the request it came with. */
  idempotency?: { key: string; fingerprint: string };
}

/** The contract's command response (§0), plus the HTTP status it was answered with. */
export interface CommandResult {
  status: number;
  body: { id: string; streamId: string; revision: number; position: number };
  replayed?: boolean;
}

/** The first answer of a command, rebuilt from its idempotency record for a retry. */
export function replayedResult(result: { streamId: string; revision: number; position: number }, response: Record<string, unknown>): CommandResult {
  const stored = response as { status: number; id: string };
  return { status: stored.status, replayed: true, body: { id: stored.id, streamId: result.streamId, revision: result.revision, position: result.position } };
}
