import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACTIVITY_CATEGORIES, VENUE_TYPES, type ActivityCategory, type VenueType } from '@tongxin/domain';
import { IsIn, IsString, Matches } from 'class-validator';
import { ID_PATTERN, IsCalendarDate, IsInstant, Optional } from '../http/validators';

/** `goodsUnit`: goods handed out by unit (袋, 床 …), each row with its `goodsQuantity`. */
export const BREAKDOWN_DIMENSIONS = ['orgUnit', 'campaign', 'category', 'venueType', 'month', 'goodsUnit'] as const;
export type BreakdownBy = (typeof BREAKDOWN_DIMENSIONS)[number];

/** Query-string filters of §5; query values arrive as strings and are checked as such. */
export class StatsQueryDto {
  /** That unit and everything under it. */
  @Optional() @IsString() @Matches(ID_PATTERN)
  orgUnitId?: string;

  @Optional() @IsString() @Matches(ID_PATTERN)
  campaignId?: string;

  /** Inclusive, on each fact's own date (occurredOn / servedOn / receivedOn / refundedOn / paidOn / distributedOn). */
  @Optional() @IsCalendarDate()
  from?: string;

  @Optional() @IsCalendarDate()
  to?: string;

  /** Applies to activity figures only; other figures ignore it. */
  @ApiPropertyOptional({ enum: ACTIVITY_CATEGORIES })
  @Optional() @IsIn(ACTIVITY_CATEGORIES)
  category?: ActivityCategory;

  @ApiPropertyOptional({ enum: VENUE_TYPES })
  @Optional() @IsIn(VENUE_TYPES)
  venueType?: VenueType;

  /** The figures as the ledger knew them at this instant (events recorded up to it). */
  @Optional() @IsInstant()
  asOf?: string;

  /** Answer only once the read model includes this global position (read-your-writes). */
  @Optional() @IsString() @Matches(/^\d{1,15}$/, { message: 'minPosition must be a non-negative integer' })
  minPosition?: string;
}

export class BreakdownQueryDto extends StatsQueryDto {
  @ApiProperty({ enum: BREAKDOWN_DIMENSIONS })
  @IsIn(BREAKDOWN_DIMENSIONS)
  by!: BreakdownBy;
}

/** `GET /stats/changes`: the totals' filters, plus the recorded-time window and paging. */
export class ChangesQueryDto extends StatsQueryDto {
  /** Changes recorded at or after this instant. */
  @Optional() @IsInstant()
  since?: string;

  /** Changes recorded at or before this instant (with `asOf` too: the earlier of the two). */
  @Optional() @IsInstant()
  until?: string;

  /** `true`: only changes that touched a locked period (late corrections, and facts that reached a locked month). */
  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @Optional() @IsIn(['true', 'false'])
  late?: 'true' | 'false';

  /** The previous page's `next`: changes after this global position. */
  @Optional() @IsString() @Matches(/^\d{1,15}$/, { message: 'after must be a non-negative integer' })
  after?: string;

  /** 1–1000, default 100. */
  @Optional() @IsString() @Matches(/^(1000|[1-9]\d{0,2})$/, { message: 'limit must be an integer from 1 to 1000' })
  limit?: string;
}
