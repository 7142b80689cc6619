import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal';
import { callerIdempotencyKey, type CommandContext } from '../ledger/command-context';
import { badRequest } from './problem';

const IF_MATCH = /^(?:W\/)?"?(-1|\d{1,15})"?$/;
const VISIBLE_ASCII_1_128 = /^[\x21-\x7e]{1,128}$/;

interface CommandRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  principal: Principal;
}

/** Canonical JSON (sorted keys), so the same body in another key order is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Builds the CommandContext from the request: principal, ids, If-Match, and the Idempotency-Key, scoped to the
 * caller's token, with a fingerprint of what was asked (method, path, caller, body as sent). The executor answers a
 * known key from its record (the same request) or with 422 (another request), and stores a new key with the events.
 * The fingerprint's form is the one earlier versions stored, so their records still replay (see earlierRecord).
 */
export const CommandCtx = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext => {
  const request = ctx.switchToHttp().getRequest<CommandRequest>();
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };

  let ifMatch: number | undefined;
  const ifMatchHeader = header('if-match');
  if (ifMatchHeader !== undefined) {
    const match = IF_MATCH.exec(ifMatchHeader.trim());
    if (!match) throw badRequest([{ path: 'If-Match', message: 'If-Match must be a revision ETag such as "3"' }]);
    ifMatch = Number(match[1]);
  }
  const correlationId = header('x-correlation-id');
  if (correlationId !== undefined && !VISIBLE_ASCII_1_128.test(correlationId)) {
    throw badRequest([{ path: 'X-Correlation-Id', message: 'X-Correlation-Id must be 1–128 visible ASCII characters' }]);
  }
  let idempotency: CommandContext['idempotency'];
  const key = header('idempotency-key');
  if (key !== undefined) {
    if (!VISIBLE_ASCII_1_128.test(key)) {
      throw badRequest([{ path: 'Idempotency-Key', message: 'Idempotency-Key must be 1–128 visible ASCII characters' }]);
    }
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url.split('?')[0]}\n${request.principal.tokenId}\n${canonicalJson(request.body ?? null)}`)
      .digest('hex');
    idempotency = { key: callerIdempotencyKey(request.principal.tokenId, key), fingerprint, unscopedKey: key };
  }
  const commandId = randomUUID();
  return { principal: request.principal, commandId, correlationId: correlationId ?? commandId, ifMatch, idempotency };
});
