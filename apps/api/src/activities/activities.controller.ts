import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandCtx } from '../http/command-context.decorator';
import { checkPathId } from '../http/ids';
import { respond } from '../http/respond';
import type { CommandContext } from '../ledger/command-context';
import { CorrectActivityDto, ReasonDto, RecordActivityDto } from './activity.dto';
import { CorrectActivityCommand } from './correct-activity.handler';
import { GetActivityQuery } from './get-activity.handler';
import { ListActivitiesQuery } from './list-activities.handler';
import { ActivityListDto, ListActivitiesQueryDto } from './list-activities.dto';
import { RecordActivityCommand } from './record-activity.handler';
import { VoidActivityCommand } from './void-activity.handler';
import { Allow, CurrentPrincipal, EVERY_ROLE, RECORDING_ROLES, type Principal } from '../auth/principal';

@ApiTags('activities')
@ApiBearerAuth()
@Controller('activities')
export class ActivitiesController {
  constructor(private readonly commandBus: CommandBus, private readonly queryBus: QueryBus) {}

  @Post()
  @Allow(...RECORDING_ROLES)
  async record(@Body() body: RecordActivityDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new RecordActivityCommand(body, ctx)));
  }

  @Post(':id/corrections')
  @Allow(...RECORDING_ROLES)
  @HttpCode(200)
  async correct(@Param('id') id: string, @Body() body: CorrectActivityDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new CorrectActivityCommand(checkPathId(id), body, ctx)));
  }

  @Post(':id/void')
  @Allow(...RECORDING_ROLES)
  @HttpCode(200)
  async void(@Param('id') id: string, @Body() body: ReasonDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new VoidActivityCommand(checkPathId(id), body.reason, ctx)));
  }

  @Get()
  @Allow(...EVERY_ROLE)
  @ApiOperation({
    summary: 'The activities under an org unit (default: the caller\'s scope), newest held first, a page at a time',
    description: 'Voided activities are left out and corrected ones show their current values; `asOf` lists them as the ledger '
      + 'knew them then (titles are always the current ones). Pass the answer\'s `next` as `before` for the next page.',
  })
  @ApiOkResponse({ type: ActivityListDto })
  list(@Query() query: ListActivitiesQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queryBus.execute(new ListActivitiesQuery(query, principal));
  }

  @Get(':id')
  @Allow(...EVERY_ROLE)
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.queryBus.execute(new GetActivityQuery(checkPathId(id), principal));
  }
}
