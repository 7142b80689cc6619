import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '@tongxin/event-store';
import { Allow, CurrentPrincipal, ORGANISING_ROLES, type Principal } from '../auth/principal';
import { Scope } from '../auth/scope';
import { scanLog } from '../history/log-scan';
import { badRequest } from '../http/problem';
import { toEventView, type EventView } from '../ledger/event-view';
import { EVENT_STORE } from '../ledger/tokens';
import { AuditQueryDto } from './audit.dto';

/**
 * What one actor did: the events whose metadata names it, in log order — for admins, and for organisers over their
 * own scope (the events recorded under their subtree). Read from the log itself, a page at a time from `since`.
 */
@ApiTags('history')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly scope: Scope) {}

  @Get()
  @Allow(...ORGANISING_ROLES)
  @ApiOperation({
    summary: 'What an actor (a token id) did, in log order: `{ events, next }`; pass `next` as `after` for the next page',
    description: 'A page reads at most 10,000 events of the log; a short page with a `next` means: go on from there.',
  })
  async audit(@Query() query: AuditQueryDto, @CurrentPrincipal() principal: Principal): Promise<{ actor: string; events: EventView[]; next: number | null }> {
    if (query.since && query.until && Date.parse(query.since) > Date.parse(query.until)) {
      throw badRequest([{ path: 'until', message: 'until must not be before since' }]);
    }
    // Where `since` begins in the log: recordedAt never decreases with position, so everything before is earlier.
    const sinceAfter = query.since === undefined ? 0 : await this.store.positionAt(new Date(Date.parse(query.since) - 1).toISOString());
    const after = Math.max(query.after === undefined ? 0 : Number(query.after), sinceAfter);
    const until = query.until === undefined ? undefined : await this.store.positionAt(new Date(query.until).toISOString());
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    const page = await scanLog(this.store, { after, limit, until }, async (event) =>
      event.metadata.actor === query.actor && (await this.scope.sees(principal, event.metadata.orgUnitId)));
    return { actor: query.actor, events: page.events.map((event) => toEventView(event, principal.role)), next: page.next };
  }
}
