import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { BreakdownQueryDto, StatsQueryDto } from './stats-query.dto';
import { GetBreakdownQuery, GetTotalsQuery } from './stats.handlers';

@ApiTags('stats')
@ApiBearerAuth()
@Controller('stats')
export class StatsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('totals')
  totals(@Query() query: StatsQueryDto) {
    return this.queryBus.execute(new GetTotalsQuery(query));
  }

  @Get('breakdown')
  breakdown(@Query() query: BreakdownQueryDto) {
    const { by, ...params } = query;
    return this.queryBus.execute(new GetBreakdownQuery(by, params));
  }
}
