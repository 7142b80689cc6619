import { PickType } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { ID_PATTERN, Optional } from '../http/validators';
import { StatsQueryDto } from '../stats/stats-query.dto';

/**
 * Query of `GET /volunteers/{id}/certificate.pdf`: the totals' `from`/`to` (here on `servedOn`) and `minPosition`,
 * and the issuing unit.
 */
export class CertificateQueryDto extends PickType(StatsQueryDto, ['from', 'to', 'minPosition'] as const) {
  /** The issuing unit: the volunteer's own unit (the default) or one above it, within the caller's scope. */
  @Optional() @IsString() @Matches(ID_PATTERN)
  orgUnitId?: string;
}
