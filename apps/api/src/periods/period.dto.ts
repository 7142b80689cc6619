import { IsString, Matches } from 'class-validator';
import { ID_PATTERN, MultilineText, Optional } from '../http/validators';

export class LockPeriodDto {
  /** The month is locked for this org unit and everything under it. */
  @IsString() @Matches(ID_PATTERN)
  orgUnitId!: string;

  /** Why the month is closed, e.g. "季度报表已上报". */
  @Optional() @MultilineText(500)
  reason?: string;
}
