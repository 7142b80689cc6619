import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandCtx } from '../http/command-context.decorator';
import { checkPathId } from '../http/ids';
import { parseMinPosition } from '../http/min-position';
import { respond } from '../http/respond';
import type { CommandContext } from '../ledger/command-context';
import { GetOrgUnitQuery } from './get-org-unit.handler';
import { RegisterOrgUnitDto } from './org-unit.dto';
import { RegisterOrgUnitCommand } from './register-org-unit.handler';
import { Allow, CurrentPrincipal, EVERY_ROLE, RECORDING_ROLES, type Principal } from '../auth/principal';

@ApiTags('org-units')
@ApiBearerAuth()
@Controller('org-units')
export class OrgUnitsController {
  constructor(private readonly commandBus: CommandBus, private readonly queryBus: QueryBus) {}

  @Post()
  @Allow(...RECORDING_ROLES)
  async register(@Body() body: RegisterOrgUnitDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new RegisterOrgUnitCommand(body, ctx)));
  }

  @Get(':id')
  @Allow(...EVERY_ROLE)
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @Query('minPosition') minPosition?: string) {
    return this.queryBus.execute(new GetOrgUnitQuery(checkPathId(id), principal, parseMinPosition(minPosition)));
  }
}
