import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@tongxin/domain';
import type { EventStore } from '@tongxin/event-store';
import { badRequest, type FieldError } from '../http/problem';
import { toEventView, type EventView } from '../ledger/event-view';
import { EVENT_STORE } from '../ledger/tokens';
import { requireScope } from '../auth/access';
import { Allow, CurrentPrincipal, HISTORY_ROLES, type Principal } from '../auth/principal';
import { Scope } from '../auth/scope';
import { scanLog } from './log-scan';

const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/**
 * The log itself, in global order, for analysts, exports and replays. A scoped caller sees only the events recorded
 * under its subtree (each event's metadata.orgUnitId), and personal data only as its role may (see toEventView).
 */
@ApiTags('history')
@ApiBearerAuth()
@Controller()
export class HistoryController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly scope: Scope) {}

  @Get('events')
  @Allow(...HISTORY_ROLES)
  @ApiQuery({ name: 'after', required: false, description: 'Exclusive global position to read after (default 0).' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000 (default 100).' })
  async events(
    @CurrentPrincipal() principal: Principal, @Query('after') afterRaw?: string, @Query('limit') limitRaw?: string,
  ): Promise<{ events: EventView[]; next: number | null }> {
    const errors: FieldError[] = [];
    const after = afterRaw === undefined ? 0 : /^\d{1,15}$/.test(afterRaw) ? Number(afterRaw) : (errors.push({ path: 'after', message: 'after must be a non-negative integer' }), 0);
    const limit = limitRaw === undefined ? 100 : /^\d{1,4}$/.test(limitRaw) && Number(limitRaw) >= 1 && Number(limitRaw) <= 1000 ? Number(limitRaw) : (errors.push({ path: 'limit', message: 'limit must be an integer from 1 to 1000' }), 0);
    if (errors.length) throw badRequest(errors);
    const page = await scanLog(this.store, { after, limit }, (event) => this.scope.sees(principal, event.metadata.orgUnitId));
    return { events: page.events.map((event) => toEventView(event, principal.role)), next: page.next };
  }

  /** A scoped caller gets the stream's events under its subtree (a month's locks are many units'), 403 when none is. */
  @Get('streams/:streamId')
  @Allow(...HISTORY_ROLES)
  async stream(
    @Param('streamId') streamId: string, @CurrentPrincipal() principal: Principal,
  ): Promise<{ streamId: string; revision: number; events: EventView[] }> {
    if (!STREAM_ID.test(streamId)) throw badRequest([{ path: 'streamId', message: `streamId must match ${STREAM_ID.source}` }]);
    const events = await this.store.readStream(streamId);
    const shown: EventView[] = [];
    for (const event of events) {
      if (await this.scope.sees(principal, event.metadata.orgUnitId)) shown.push(toEventView(event, principal.role));
    }
    if (shown.length === 0) {
      // Unscoped callers see every event, so for them this means the stream does not exist; others get 403.
      requireScope(principal, null);
      throw new DomainError('NOT_FOUND', `stream ${streamId} does not exist`);
    }
    return { streamId, revision: events.length - 1, events: shown };
  }
}
