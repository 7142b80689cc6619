import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { BreakdownDto, TotalsDto } from './stats-answer.dto';
import { BreakdownQueryDto, ChangesQueryDto, StatsQueryDto } from './stats-query.dto';
import { GetBreakdownQuery, GetChangesQuery, GetTotalsQuery } from './stats.handlers';
import { Allow, CurrentPrincipal, EVERY_ROLE, HISTORY_ROLES, type Principal } from '../auth/principal';

@ApiTags('stats')
@ApiBearerAuth()
@Controller('stats')
export class StatsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('totals')
  @ApiOkResponse({ type: TotalsDto })
  @Allow(...EVERY_ROLE)
  totals(@Query() query: StatsQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queryBus.execute(new GetTotalsQuery(query, principal));
  }

  @Get('breakdown')
  @ApiOkResponse({ type: BreakdownDto, description: 'One row per key; `by=goodsUnit` rows also give `goodsQuantity`.' })
  @Allow(...EVERY_ROLE)
  breakdown(@Query() query: BreakdownQueryDto, @CurrentPrincipal() principal: Principal) {
    const { by, ...params } = query;
    return this.queryBus.execute(new GetBreakdownQuery(by, params, principal));
  }

  /**
   * Each correction, void, rejection, refund and disbursement that moved a figure — and every late change to a
   * locked period — with before/after values, reason, actor and time, in log order, a page at a time.
   */
  @Get('changes')
  @ApiOkResponse({ description: '`{ changes: [{ position, recordedAt, kind, eventType, entity, orgUnitId, campaignId, date, '
    + 'before, after, reason, actor, late, lockedPeriod }], next, position }`; pass `next` as `after` for the next page.' })
  @Allow(...HISTORY_ROLES)
  changes(@Query() query: ChangesQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queryBus.execute(new GetChangesQuery(query, principal));
  }
}
