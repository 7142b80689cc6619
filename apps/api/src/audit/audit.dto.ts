import { IsString, Matches } from 'class-validator';
import { IsInstant, Optional } from '../http/validators';

export class AuditQueryDto {
  /** The token id whose actions are listed (`admin` for the bootstrap admin, `cli` for the command line). */
  @IsString() @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, { message: 'actor must be a token id' })
  actor!: string;

  /** Actions recorded at or after this instant. */
  @Optional() @IsInstant()
  since?: string;

  /** Actions recorded at or before this instant. */
  @Optional() @IsInstant()
  until?: string;

  /** The previous page's `next`: events after this global position. */
  @Optional() @IsString() @Matches(/^\d{1,15}$/, { message: 'after must be a non-negative integer' })
  after?: string;

  /** 1–1000, default 100. */
  @Optional() @IsString() @Matches(/^(1000|[1-9]\d{0,2})$/, { message: 'limit must be an integer from 1 to 1000' })
  limit?: string;
}
