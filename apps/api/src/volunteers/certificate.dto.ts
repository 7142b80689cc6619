import { IsString, Matches } from 'class-validator';
import { ID_PATTERN, IsCalendarDate, Optional } from '../http/validators';

/** Query of `GET /volunteers/{id}/certificate.pdf`; query values arrive as strings and are checked as such. */
export class CertificateQueryDto {
  /** The issuing unit: the volunteer's own unit (the default) or one above it, within the caller's scope. */
  @Optional() @IsString() @Matches(ID_PATTERN)
  orgUnitId?: string;

  /** Only services on or after this date count (inclusive, on `servedOn`). */
  @Optional() @IsCalendarDate()
  from?: string;

  /** Only services on or before this date count (inclusive, on `servedOn`). */
  @Optional() @IsCalendarDate()
  to?: string;

  /** Answer only once the read model includes this global position (read-your-writes). */
  @Optional() @IsString() @Matches(/^\d{1,15}$/, { message: 'minPosition must be a non-negative integer' })
  minPosition?: string;
}
