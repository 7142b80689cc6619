import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandCtx } from '../http/command-context.decorator';
import { checkPathId } from '../http/ids';
import { parseMinPosition } from '../http/min-position';
import { respond } from '../http/respond';
import type { CommandContext } from '../ledger/command-context';
import { LaunchCampaignDto } from './campaign.dto';
import { GetCampaignQuery } from './get-campaign.handler';
import { LaunchCampaignCommand } from './launch-campaign.handler';
import { Allow, CurrentPrincipal, EVERY_ROLE, RECORDING_ROLES, type Principal } from '../auth/principal';

@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('campaigns')
export class CampaignsController {
  constructor(private readonly commandBus: CommandBus, private readonly queryBus: QueryBus) {}

  @Post()
  @Allow(...RECORDING_ROLES)
  async launch(@Body() body: LaunchCampaignDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new LaunchCampaignCommand(body, ctx)));
  }

  @Get(':id')
  @Allow(...EVERY_ROLE)
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @Query('minPosition') minPosition?: string) {
    return this.queryBus.execute(new GetCampaignQuery(checkPathId(id), principal, parseMinPosition(minPosition)));
  }
}
