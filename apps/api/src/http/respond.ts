import type { FastifyReply } from 'fastify';
import type { CommandResult } from '../ledger/command-context';

/** Sends a command result: its status, the stream revision as ETag, the contract's body. */
export function respond(reply: FastifyReply, result: CommandResult): CommandResult['body'] {
  reply.status(result.status).header('etag', `"${result.body.revision}"`);
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  return result.body;
}
