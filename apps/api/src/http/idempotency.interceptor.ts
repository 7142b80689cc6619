import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { EventStore } from '@tongxin/event-store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, Observable, of, switchMap } from 'rxjs';
import type { Principal } from '../auth/principal';
import { replayedResult } from '../ledger/command-context';
import { EVENT_STORE } from '../ledger/tokens';
import { badRequest, problem, ProblemException } from './problem';
import { respond } from './respond';

const KEY = /^[\x21-\x7e]{1,128}$/;

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
 * Idempotency-Key on POSTs: a key seen before with the same request answers the stored response
 * (`Idempotent-Replayed: true`) without running the command; with another request, 422. A new key
 * rides on the request to the append, which records it in the same transaction as the events.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { principal?: Principal; idempotency?: { key: string; fingerprint: string } }>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined) return next.handle();
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw badRequest([{ path: 'Idempotency-Key', message: 'Idempotency-Key must be 1–128 visible ASCII characters' }]);
    }
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url.split('?')[0]}\n${request.principal?.tokenId ?? ''}\n${canonicalJson(request.body)}`)
      .digest('hex');
    request.idempotency = { key, fingerprint };
    return from(this.store.getIdempotencyRecord(key)).pipe(
      switchMap((record) => {
        if (!record) return next.handle();
        if (record.fingerprint !== fingerprint) {
          throw new ProblemException(problem(422, 'This Idempotency-Key was used with a different request.', { code: 'IDEMPOTENCY_KEY_REUSED' }));
        }
        return of(respond(http.getResponse<FastifyReply>(), replayedResult(record.result, record.response)));
      }),
    );
  }
}
