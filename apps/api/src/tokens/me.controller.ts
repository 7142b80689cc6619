import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, EVERY_ROLE, type Principal } from '../auth/principal';
import { GetCallerQuery, type CallerView } from './get-caller.handler';

@ApiTags('tokens')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @Allow(...EVERY_ROLE)
  @ApiOperation({ summary: 'The caller: its token\'s id, its role, and the org unit its scope starts at (null: the whole ledger)' })
  @ApiOkResponse({
    description: '`{ tokenId, role, orgUnit: { id, name, level, path } | null }`; `path` runs from the root to the unit',
    schema: {
      type: 'object',
      required: ['tokenId', 'role', 'orgUnit'],
      properties: {
        tokenId: { type: 'string' },
        role: { type: 'string', enum: ['admin', 'organiser', 'recorder', 'analyst'] },
        orgUnit: {
          type: 'object', nullable: true, required: ['id', 'name', 'level', 'path'],
          properties: { id: { type: 'string' }, name: { type: 'string' }, level: { type: 'string' }, path: { type: 'array', items: { type: 'string' } } },
        },
      },
    },
  })
  me(@CurrentPrincipal() principal: Principal): Promise<CallerView> {
    return this.queryBus.execute(new GetCallerQuery(principal));
  }
}
