import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ReasonDto } from '../activities/activity.dto';
import { CommandCtx } from '../http/command-context.decorator';
import { checkPathId } from '../http/ids';
import { respond } from '../http/respond';
import type { CommandContext } from '../ledger/command-context';
import { EraseVolunteerCommand } from './erase-volunteer.handler';
import { GetVolunteerQuery } from './get-volunteer.handler';
import { LogHoursCommand } from './log-hours.handler';
import { RegisterVolunteerCommand } from './register-volunteer.handler';
import { ReviewHoursCommand } from './review-hours.handler';
import { LogHoursDto, RegisterVolunteerDto, VerifyHoursDto } from './volunteer.dto';
import { Allow, CurrentPrincipal, EVERY_ROLE, ORGANISING_ROLES, RECORDING_ROLES, type Principal } from '../auth/principal';

@ApiTags('volunteers')
@ApiBearerAuth()
@Controller('volunteers')
export class VolunteersController {
  constructor(private readonly commandBus: CommandBus, private readonly queryBus: QueryBus) {}

  @Post()
  @Allow(...RECORDING_ROLES)
  async register(@Body() body: RegisterVolunteerDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new RegisterVolunteerCommand(body, ctx)));
  }

  @Post(':id/hours')
  @Allow(...RECORDING_ROLES)
  async logHours(@Param('id') id: string, @Body() body: LogHoursDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new LogHoursCommand(checkPathId(id), body, ctx)));
  }

  @Post(':id/hours/:entryId/verify')
  @Allow(...ORGANISING_ROLES)
  @HttpCode(200)
  async verify(@Param('id') id: string, @Param('entryId') entryId: string, @Body() body: VerifyHoursDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const decision = { verify: true as const, reason: body.reason ?? null };
    const command = new ReviewHoursCommand(checkPathId(id), checkPathId(entryId, 'entryId'), decision, ctx);
    return respond(reply, await this.commandBus.execute(command));
  }

  @Post(':id/hours/:entryId/reject')
  @Allow(...ORGANISING_ROLES)
  @HttpCode(200)
  async reject(@Param('id') id: string, @Param('entryId') entryId: string, @Body() body: ReasonDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const command = new ReviewHoursCommand(checkPathId(id), checkPathId(entryId, 'entryId'), { verify: false, reason: body.reason }, ctx);
    return respond(reply, await this.commandBus.execute(command));
  }

  @Post(':id/erase')
  @HttpCode(200)
  @Allow(...ORGANISING_ROLES)
  @ApiOperation({
    summary: 'Forget a volunteer (organiser or admin): the key of their name and phone is destroyed',
    description: 'The events stay and every total stays the same; the name and phone read as null everywhere afterwards (API, /events, exports) and are nowhere in the database files in plain text. Erasing twice → 409 ALREADY_ERASED.',
  })
  async erase(@Param('id') id: string, @Body() body: ReasonDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return respond(reply, await this.commandBus.execute(new EraseVolunteerCommand(checkPathId(id), body.reason, ctx)));
  }

  @Get(':id')
  @Allow(...EVERY_ROLE)
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.queryBus.execute(new GetVolunteerQuery(checkPathId(id), principal));
  }
}
