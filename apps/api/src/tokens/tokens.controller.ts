import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow, CurrentPrincipal, ORGANISING_ROLES, type Principal } from '../auth/principal';
import { CommandCtx } from '../http/command-context.decorator';
import { checkPathId } from '../http/ids';
import type { CommandContext } from '../ledger/command-context';
import { IssueTokenDto } from './token.dto';
import { IssueTokenCommand, ListTokensQuery, RevokeTokenCommand } from './tokens.handlers';

@ApiTags('tokens')
@ApiBearerAuth()
@Controller('tokens')
export class TokensController {
  constructor(private readonly commandBus: CommandBus, private readonly queryBus: QueryBus) {}

  @Post()
  @Allow(...ORGANISING_ROLES)
  @ApiOperation({
    summary: 'Issue a token bound to a role and an org unit subtree (admin; an organiser: recorder and analyst tokens in its scope)',
    description: '201 `{ id, token, … }`: the token is shown this once and only its hash is kept. A retry with the same Idempotency-Key answers `token: null`.',
  })
  async issue(@Body() body: IssueTokenDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.commandBus.execute(new IssueTokenCommand(body, ctx));
    reply.status(result.status).header('cache-control', 'no-store');
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    return result.body;
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow(...ORGANISING_ROLES)
  @ApiOperation({ summary: 'Revoke a token: it stops working on the next request' })
  async revoke(@Param('id') id: string, @CommandCtx() ctx: CommandContext): Promise<void> {
    await this.commandBus.execute(new RevokeTokenCommand(checkPathId(id), null, ctx));
  }

  @Get()
  @Allow(...ORGANISING_ROLES)
  @ApiOperation({ summary: 'The tokens in the caller\'s scope (never a secret), revoked ones included' })
  list(@CurrentPrincipal() principal: Principal) {
    return this.queryBus.execute(new ListTokensQuery(principal));
  }
}
