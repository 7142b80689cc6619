import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { XLSX_CONTENT_TYPE } from '@tongxin/imports';
import type { FastifyReply } from 'fastify';
import { Allow, CurrentPrincipal, EVERY_ROLE, type Principal } from '../auth/principal';
import { GetSummaryQuery, type SummaryReport } from './get-summary.handler';
import { GetTotalsWorkbookQuery } from './get-totals-workbook.handler';
import { SummaryQueryDto, TotalsWorkbookQueryDto } from './reports.dto';


/** JSON when asked for by `format`, or when the Accept header names application/json and not text/plain first. */
function wantsJson(format: 'text' | 'json' | undefined, accept: string | undefined): boolean {
  if (format !== undefined) return format === 'json';
  const types = (accept ?? '').split(',').map((part) => part.split(';')[0].trim().toLowerCase());
  const json = types.indexOf('application/json');
  const text = types.indexOf('text/plain');
  return json !== -1 && (text === -1 || json < text);
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('summary')
  @Allow(...EVERY_ROLE)
  @ApiOperation({
    summary: 'The figures as a paragraph in the style of the published reports, with Chinese number wording and the exact figures beside',
    description: 'Same filters as GET /stats/totals. Counts are rounded down with 余 (2.3万余场, 16.3万余人次, 130余万人次), money rounded '
      + 'with 约 (约1.56亿元); each exact figure follows in brackets. lang=zh-CN (default) or en. Answers text/plain; format=json (or '
      + 'Accept: application/json) answers `{ lang, text, figures: [{ key, value, unit, wording, exact }], orgUnit, campaign, from, to, '
      + 'asOf, standsOn, totals, position }`.',
  })
  @ApiProduces('text/plain', 'application/json')
  async summary(
    @Query() query: SummaryQueryDto, @CurrentPrincipal() principal: Principal, @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SummaryReport | string> {
    const report = await this.queryBus.execute(new GetSummaryQuery(query, principal));
    if (wantsJson(query.format, accept)) return report;
    reply.header('content-type', 'text/plain; charset=utf-8');
    return `${report.text}\n`;
  }

  @Get('totals.xlsx')
  @Allow(...EVERY_ROLE)
  @ApiOperation({
    summary: 'The totals and every breakdown (by unit, campaign, category, venue type, month) as an XLSX workbook, one sheet each',
    description: 'Same filters as GET /stats/totals. Chinese headers; numbers are numbers: money in 元 (converted exactly from 分), time in '
      + 'hours; a 说明 sheet names the unit, campaign, period, asOf and the ledger position every sheet stands at.',
  })
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'The workbook.' })
  async totals(
    @Query() query: TotalsWorkbookQueryDto, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const { file, position } = await this.queryBus.execute(new GetTotalsWorkbookQuery(query, principal));
    reply.header('content-type', XLSX_CONTENT_TYPE);
    reply.header('content-disposition', `attachment; filename="tongxin-totals-${position}.xlsx"; filename*=UTF-8''${encodeURIComponent('同心账本统计')}-${position}.xlsx`);
    return file;
  }
}
