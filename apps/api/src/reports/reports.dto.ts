import { ApiPropertyOptional } from '@nestjs/swagger';
import { REPORT_LANGUAGES, type ReportLanguage } from '@tongxin/domain';
import { IsIn } from 'class-validator';
import { StatsQueryDto } from '../stats/stats-query.dto';
import { Optional } from '../http/validators';

/** `GET /reports/summary`: the totals' filters, the report's language, and text or JSON. */
export class SummaryQueryDto extends StatsQueryDto {
  /** zh-CN (default) or en. */
  @ApiPropertyOptional({ enum: REPORT_LANGUAGES })
  @Optional() @IsIn(REPORT_LANGUAGES)
  lang?: ReportLanguage;

  /** text (default, unless the Accept header prefers application/json) or json. */
  @ApiPropertyOptional({ enum: ['text', 'json'] })
  @Optional() @IsIn(['text', 'json'])
  format?: 'text' | 'json';
}

/** `GET /reports/totals.xlsx`: the totals' filters. */
export class TotalsWorkbookQueryDto extends StatsQueryDto {}
