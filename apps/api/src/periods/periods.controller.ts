import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { isCalendarMonth } from '@tongxin/domain';
import type { FastifyReply } from 'fastify';
import { CommandCtx } from '../http/command-context.decorator';
import { parseMinPosition } from '../http/min-position';
import { badRequest } from '../http/problem';
import { respond } from '../http/respond';
import type { CommandContext } from '../ledger/command-context';
import { GetPeriodQuery } from './get-period.handler';
import { LockPeriodCommand } from './lock-period.handler';
import { LockPeriodDto } from './period.dto';
import { Allow, CurrentPrincipal, EVERY_ROLE, ORGANISING_ROLES, type Principal } from '../auth/principal';

const MONTH_PARAM = {
  name: 'month', description: 'A calendar month YYYY-MM.', schema: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$', example: '2026-03' },
} as const;

/** A malformed month is a 400 naming the path parameter. */
function checkMonth(value: string): string {
  if (!isCalendarMonth(value)) throw badRequest([{ path: 'month', message: 'month must be a calendar month YYYY-MM' }]);
  return value;
}

@ApiTags('periods')
@ApiBearerAuth()
@Controller('periods')
export class PeriodsController {
  constructor(private readonly commandBus: CommandBus, private readonly queryBus: QueryBus) {}

  @Post(':month/lock')
  @Allow(...ORGANISING_ROLES)
  @ApiOperation({
    summary: 'Lock a month for an org unit and everything under it (organiser or admin)',
    description: 'Afterwards new activities, hours, donations and disbursements dated inside the month for that subtree are refused with 409 PERIOD_LOCKED; corrections, voids, rejections, refunds and verifications with a reason stay allowed. Locking a month already locked for the unit or an ancestor → 409 PERIOD_ALREADY_LOCKED; a month after this month → 422.',
  })
  @ApiParam(MONTH_PARAM)
  async lock(@Param('month') month: string, @Body() body: LockPeriodDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new LockPeriodCommand(checkMonth(month), body, ctx)));
  }

  @Get(':month')
  @Allow(...EVERY_ROLE)
  @ApiOperation({ summary: 'The locks of a month that bear on the caller\'s scope: which subtrees are closed, by whom, when and why' })
  @ApiParam(MONTH_PARAM)
  async get(@Param('month') month: string, @CurrentPrincipal() principal: Principal, @Query('minPosition') minPosition?: string) {
    return this.queryBus.execute(new GetPeriodQuery(checkMonth(month), principal, parseMinPosition(minPosition)));
  }
}
