import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ReasonDto } from '../activities/activity.dto';
import { CommandCtx } from '../http/command-context.decorator';
import { checkPathId } from '../http/ids';
import { respond } from '../http/respond';
import type { CommandContext } from '../ledger/command-context';
import { SEES_VOLUNTEER_NAMES } from '../ledger/event-view';
import { certificateDisposition } from './certificate-pdf';
import { CertificateQueryDto } from './certificate.dto';
import { EraseVolunteerCommand } from './erase-volunteer.handler';
import { GetCertificateQuery } from './get-certificate.handler';
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

  @Get(':id/certificate.pdf')
  @Allow(...SEES_VOLUNTEER_NAMES)
  @ApiOperation({
    summary: 'The volunteer service record certificate (志愿服务记录证明, 民政部令第67号) as an A4 PDF in Chinese',
    description: 'Names the volunteer and lists the verified services only (pending and rejected entries never count), with '
      + 'their total, the issuing unit (the volunteer\'s own, or `orgUnitId` above it within the caller\'s scope) and the '
      + 'date of issue (Asia/Shanghai). `from`/`to` limit the period (inclusive, on servedOn). The number '
      + '`TXZM-<yyyymmdd>-<10 hex>` is the same for the same request on the same records, so it can be checked by issuing '
      + 'again. Roles that see volunteer names only (admin, organiser, recorder). An erased volunteer → 409 VOLUNTEER_ERASED; '
      + 'no verified hours in the period → 409 NO_VERIFIED_HOURS; an orgUnitId not at or above the volunteer\'s unit → 422.',
  })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The certificate (PDF, fonts embedded); `X-Certificate-Number` repeats its number.', schema: { type: 'string', format: 'binary' } })
  async certificate(@Param('id') id: string, @Query() query: CertificateQueryDto, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const { certificate, pdf } = await this.queryBus.execute(new GetCertificateQuery(checkPathId(id), query, principal));
    reply.header('content-type', 'application/pdf');
    reply.header('content-disposition', certificateDisposition(certificate));
    reply.header('x-certificate-number', certificate.number);
    return pdf;
  }

  @Get(':id')
  @Allow(...EVERY_ROLE)
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.queryBus.execute(new GetVolunteerQuery(checkPathId(id), principal));
  }
}
