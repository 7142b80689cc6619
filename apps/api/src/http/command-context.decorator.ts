import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal';
import type { CommandContext } from '../ledger/command-context';
import { badRequest } from './problem';

const IF_MATCH = /^(?:W\/)?"?(-1|\d{1,15})"?$/;
const CORRELATION_ID = /^[\x21-\x7e]{1,128}$/;

interface CommandRequest {
  headers: Record<string, string | undefined>;
  principal: Principal;
  idempotency?: { key: string; fingerprint: string };
}

/** Builds the CommandContext from the request: principal, ids, If-Match and the idempotency key. */
export const CommandCtx = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext => {
  const request = ctx.switchToHttp().getRequest<CommandRequest>();
  const ifMatchHeader = request.headers['if-match'];
  let ifMatch: number | undefined;
  if (ifMatchHeader !== undefined) {
    const match = IF_MATCH.exec(ifMatchHeader.trim());
    if (!match) throw badRequest([{ path: 'If-Match', message: 'If-Match must be a revision ETag such as "3"' }]);
    ifMatch = Number(match[1]);
  }
  const correlationHeader = request.headers['x-correlation-id'];
  if (correlationHeader !== undefined && !CORRELATION_ID.test(correlationHeader)) {
    throw badRequest([{ path: 'X-Correlation-Id', message: 'X-Correlation-Id must be 1–128 visible ASCII characters' }]);
  }
  const commandId = randomUUID();
  return {
    principal: request.principal,
    commandId,
    correlationId: correlationHeader ?? commandId,
    ifMatch,
    idempotency: request.idempotency,
  };
});
