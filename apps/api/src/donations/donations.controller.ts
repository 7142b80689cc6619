import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow, CurrentPrincipal, EVERY_ROLE, ORGANISING_ROLES, type Principal } from '../auth/principal';
import { CommandCtx } from '../http/command-context.decorator';
import { checkPathId } from '../http/ids';
import { parseMinPosition } from '../http/min-position';
import { respond } from '../http/respond';
import type { CommandContext } from '../ledger/command-context';
import { DisburseFundsCommand } from './disburse-funds.handler';
import { DistributeGoodsCommand } from './distribute-goods.handler';
import { DisburseFundsDto, DistributeGoodsDto, ReceiveDonationDto, RefundDonationDto } from './donation.dto';
import { GetDonationQuery } from './get-donation.handler';
import { ReceiveDonationCommand } from './receive-donation.handler';
import { RefundDonationCommand } from './refund-donation.handler';

@ApiTags('donations')
@ApiBearerAuth()
@Controller()
export class DonationsController {
  constructor(private readonly commandBus: CommandBus, private readonly queryBus: QueryBus) {}

  @Post('donations')
  @Allow(...ORGANISING_ROLES)
  async receive(@Body() body: ReceiveDonationDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new ReceiveDonationCommand(body, ctx)));
  }

  @Post('donations/:id/refunds')
  @Allow(...ORGANISING_ROLES)
  @ApiOperation({
    summary: 'Refund (part of) a money donation (organiser or admin)',
    description: 'More than the donation\'s unrefunded amount → 409 REFUND_EXCEEDS_DONATION; more than the campaign\'s money balance (received − refunded − disbursed) → 409 INSUFFICIENT_BALANCE, whose detail says what is left: money already disbursed is not handed back.',
  })
  async refund(@Param('id') id: string, @Body() body: RefundDonationDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new RefundDonationCommand(checkPathId(id), body, ctx)));
  }

  @Post('donations/:id/distributions')
  @Allow(...ORGANISING_ROLES)
  @ApiOperation({
    summary: 'Hand on donated goods to an org unit or an activity (organiser or admin)',
    description: 'Items are named by their index in the donation\'s items; quantities are whole numbers in the item\'s unit. The caller\'s scope must hold both the donation\'s unit and the recipient (403 otherwise). More than remains of an item → 409 DISTRIBUTION_EXCEEDS_DONATION; a money donation → 409 INVALID_TRANSITION; a recipient outside the campaign\'s subtree, an unknown item or a date before receipt → 422; a date in a locked month → 409 PERIOD_LOCKED.',
  })
  async distribute(@Param('id') id: string, @Body() body: DistributeGoodsDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new DistributeGoodsCommand(checkPathId(id), body, ctx)));
  }

  @Get('donations/:id')
  @Allow(...EVERY_ROLE)
  @ApiOperation({
    summary: 'A donation with its refunds and, for goods, per item what was received, handed on and is left, and each distribution',
    description: 'Read from the donation\'s campaign stream, so it includes every write already answered (`minPosition` is accepted and always met). The donor\'s name shows to admins and organisers only, and never for an anonymous donation.',
  })
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @Query('minPosition') minPosition?: string) {
    parseMinPosition(minPosition);
    return this.queryBus.execute(new GetDonationQuery(checkPathId(id), principal));
  }

  @Post('disbursements')
  @Allow(...ORGANISING_ROLES)
  async disburse(@Body() body: DisburseFundsDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new DisburseFundsCommand(body, ctx)));
  }
}
