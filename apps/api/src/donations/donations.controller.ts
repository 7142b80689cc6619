import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow, ORGANISING_ROLES } from '../auth/principal';
import { CommandCtx } from '../http/command-context.decorator';
import { checkPathId } from '../http/ids';
import { respond } from '../http/respond';
import type { CommandContext } from '../ledger/command-context';
import { DisburseFundsCommand } from './disburse-funds.handler';
import { DisburseFundsDto, ReceiveDonationDto, RefundDonationDto } from './donation.dto';
import { ReceiveDonationCommand } from './receive-donation.handler';
import { RefundDonationCommand } from './refund-donation.handler';

@ApiTags('donations')
@ApiBearerAuth()
@Controller()
export class DonationsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('donations')
  @Allow(...ORGANISING_ROLES)
  async receive(@Body() body: ReceiveDonationDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new ReceiveDonationCommand(body, ctx)));
  }

  @Post('donations/:id/refunds')
  @Allow(...ORGANISING_ROLES)
  async refund(@Param('id') id: string, @Body() body: RefundDonationDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new RefundDonationCommand(checkPathId(id), body, ctx)));
  }

  @Post('disbursements')
  @Allow(...ORGANISING_ROLES)
  async disburse(@Body() body: DisburseFundsDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new DisburseFundsCommand(body, ctx)));
  }
}
